# Odoo's location is an input: ODOO_SRC=/path/to/odoo-18-source, or an odoo
# already importable by python3. See README.md.
PYTHON ?= python3

.PHONY: demo test bench bench-effort bench-signals bench-whitespace bench-install bench-day \
	upgrade-test \
	odoo-pytest
demo:
	$(PYTHON) scripts/kam_dev.py demo

test:
	$(PYTHON) scripts/kam_dev.py test

# Benchmark of the concentration engine on a generated database (see README).
CUSTOMERS ?= 20000
DOCUMENTS ?= 500000
bench:
	$(PYTHON) scripts/kam_dev.py bench --customers $(CUSTOMERS) --documents $(DOCUMENTS)

# The nightly measure of effort and the Workload board, on the same database.
KAMS ?= 50
bench-effort:
	$(PYTHON) scripts/kam_dev.py bench-effort --customers $(CUSTOMERS) --documents $(DOCUMENTS) \
		--kams $(KAMS)

# The nightly signals from the ERP and the account health, on the same database.
bench-signals:
	$(PYTHON) scripts/kam_dev.py bench-signals --customers $(CUSTOMERS) --documents $(DOCUMENTS)

# The whitespace of about 2 000 key accounts x 200 categories from 5 000 000 invoice
# lines (1 000 000 invoices of 5 product lines), on a database of its own.
WS_CUSTOMERS ?= 3960
WS_DOCUMENTS ?= 1000000
WS_LINES_PER_INVOICE ?= 5
WS_CATEGORIES ?= 200
WS_INDUSTRIES ?= 20
bench-whitespace:
	$(PYTHON) scripts/kam_dev.py bench-whitespace --customers $(WS_CUSTOMERS) \
		--documents $(WS_DOCUMENTS) --lines-per-invoice $(WS_LINES_PER_INVOICE) \
		--categories $(WS_CATEGORIES) --industries $(WS_INDUSTRIES)

# Installing the addon on a database with history (two companies, orders), see README.
INSTALL_CUSTOMERS ?= 50000
INSTALL_DOCUMENTS ?= 1200000
INSTALL_ORDERS ?= 300000
bench-install:
	$(PYTHON) scripts/kam_dev.py bench-install --customers $(INSTALL_CUSTOMERS) \
		--documents $(INSTALL_DOCUMENTS) --orders $(INSTALL_ORDERS)

# The history back-fill, the scorecard, the cockpit and the board, on the database
# bench-install leaves (run it first).
bench-day:
	$(PYTHON) scripts/kam_dev.py bench-day --customers $(INSTALL_CUSTOMERS) \
		--documents $(INSTALL_DOCUMENTS) --orders $(INSTALL_ORDERS)

# Upgrade a database made with an earlier version (FROM=<commit>) to this checkout.
FROM ?= 7ad4d72
upgrade-test:
	$(PYTHON) scripts/upgrade_test.py --from $(FROM)

# Odoo tests of some files through pytest-odoo, on an existing database with the
# addon: make odoo-pytest DB=kam_demo TESTS=kam_management/tests/test_access_matrix.py
DB ?= kam_demo
odoo-pytest:
	$(PYTHON) scripts/kam_dev.py odoo-pytest --database $(DB) $(TESTS)
