#!/usr/bin/env python3
"""Give a scratch database a second company for the benchmark, through Odoo.

Run with a Python that imports Odoo 18 (scripts/kam_dev.py does it):

    python bench/prepare_companies.py DBNAME --addons-path ...

The main company keeps its currency (USD on a new database); the second one,
"KAM Bench Europe", works in EUR; EUR is activated with a rate, for the main
company's invoices in EUR. Each company gets a sales journal. Nothing is done
when the second company exists already.
"""

import argparse

from bench_tools import superuser_env

SECOND_COMPANY = "KAM Bench Europe"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database")
    parser.add_argument("--addons-path", required=True)
    args = parser.parse_args()
    with superuser_env(args.database, args.addons_path) as env:
        if env["res.company"].search([("name", "=", SECOND_COMPANY)]):
            print(f"{SECOND_COMPANY} exists already")
            return
        eur = env.ref("base.EUR")
        eur.active = True
        main_company = env.ref("base.main_company")
        env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "rate": 0.92,
                "company_id": main_company.id,
                "name": "2020-01-01",
            }
        )
        europe = env["res.company"].create({"name": SECOND_COMPANY, "currency_id": eur.id})
        for company, code in ((main_company, "KBS"), (europe, "KBE")):
            journal_model = env["account.journal"].with_company(company)
            if not journal_model.search([("company_id", "=", company.id), ("type", "=", "sale")]):
                journal_model.create(
                    {"name": "Bench Sales", "code": code, "type": "sale", "company_id": company.id}
                )
        print(f"created {SECOND_COMPANY} (EUR) and the sales journals")


if __name__ == "__main__":
    main()
