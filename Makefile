# Odoo's location is an input: ODOO_SRC=/path/to/odoo-18-source, or an odoo
# already importable by python3. See README.md.
PYTHON ?= python3

.PHONY: demo test
demo:
	$(PYTHON) scripts/kam_dev.py demo

test:
	$(PYTHON) scripts/kam_dev.py test
