#!/usr/bin/env python3
"""Take the README screenshots from a running `make demo`.

Needs the `playwright` Python package, a Chromium (CHROMIUM, default
/usr/bin/chromium) and pdftoppm (poppler-utils); none is needed by the addon
or its tests.

    python scripts/screenshots.py [--url http://localhost:8069] [--out docs/screenshots]
"""

import argparse
import json
import os
import subprocess
from pathlib import Path

from playwright.sync_api import sync_playwright

ACTION = "/odoo/action-kam_management.res_partner_action_key_account"
PLANS = "/odoo/action-kam_management.kam_account_plan_action"
IBERIA_PLAN = ".o_kanban_group:has-text('Active') .o_kanban_record:has-text('Grupo Alimentario')"

SHOTS = [
    # (file name, login, path, what to click (or "scroll:" into view) before the shot)
    ("key_accounts_kanban.png", "admin", ACTION, []),
    ("key_accounts_list.png", "admin", ACTION + "?view_type=list", []),
    (
        "key_account_form.png",
        "admin",
        ACTION,
        [
            ".o_kanban_record:has-text('Universidad Tecnológica del Norte')",
            ".o_notebook .nav-link[name='kam_key_account']",
        ],
    ),
    (
        "key_accounts_kanban_es.png",
        "lucia",
        ACTION,
        [],
    ),
    (
        "concentration_run.png",
        "admin",
        "/odoo/action-kam_management.kam_concentration_run_action",
        [".o_list_view .o_data_row .o_data_cell[name='key_account_count']"],
    ),
    (
        "pareto.png",
        "admin",
        "/odoo/crm",  # through the menu, as a manager does: a server action has no app of its own
        [
            ".o_menu_sections [data-menu-xmlid='crm.crm_menu_report']",
            ".dropdown-item[data-menu-xmlid='kam_management.kam_concentration_line_menu']",
        ],
    ),
    (
        "relationships_tab.png",
        "admin",
        ACTION,
        [
            ".o_kanban_record:has-text('Grupo Alimentario Iberia')",
            ".o_notebook .nav-link[name='kam_relationships']",
            "scroll:.o_field_widget[name='kam_stakeholder_ids']",
        ],
    ),
    (
        "relationship_map.png",
        "admin",
        ACTION,
        [
            ".o_kanban_record:has-text('Grupo Alimentario Iberia')",
            ".o_notebook .nav-link[name='kam_relationships']",
            "button[name='action_open_relationship_map']",
            ".o_hierarchy_node:has-text('Ignacio Robles Ferrer')"
            " button[name='hierarchy_search_subsidiaries']",
        ],
    ),
    (
        "relationship_gaps.png",
        "lucia",
        "/odoo/action-kam_management.kam_relationship_gap_action",
        [],
    ),
    ("revenue_ranking.png", "admin", "/odoo/action-kam_management.kam_account_figure_action", []),
    (
        "concentration_settings.png",
        "admin",
        "/odoo/settings#crm",
        ["scroll:.o_setting_container [name='kam_settings'], :text('Key accounts by revenue')"],
    ),
    ("account_plans_kanban.png", "admin", PLANS, []),
    (
        "account_plan_form.png",
        "marco",
        PLANS,
        [IBERIA_PLAN],
    ),
    (
        "account_plan_swot.png",
        "marco",
        PLANS,
        [
            IBERIA_PLAN,
            ".o_notebook .nav-link[name='swot']",
        ],
    ),
    ("account_plans_kanban_es.png", "lucia", PLANS, []),
    (
        "plans_to_watch.png",
        "lucia",
        "/odoo/action-kam_management.kam_account_plan_action_watch",
        [],
    ),
    ("workload_board.png", "admin", "/odoo/action-kam_management.kam_workload_action", []),
    ("workload_board_es.png", "lucia", "/odoo/action-kam_management.kam_workload_action", []),
    (
        "account_team_tab.png",
        "admin",
        ACTION,
        [
            ".o_kanban_record:has-text('Grupo Alimentario Iberia')",
            ".o_notebook .nav-link[name='kam_team']",
            "scroll:.o_field_widget[name='kam_member_ids']",
        ],
    ),
    (
        "handover_wizard.png",
        "admin",
        "/odoo/action-kam_management.kam_workload_action",
        [".o_kanban_record:has-text('Marco Ruiz') button[name='action_hand_over']"],
    ),
    ("tensions_kanban.png", "admin", "/odoo/action-kam_management.kam_tension_action", []),
    (
        "signals.png",
        "admin",
        "/odoo/action-kam_management.kam_signal_action",
        [
            f".o_group_header:has-text('{group}')"
            for group in ("Credit notes", "Order rhythm", "Overdue", "Payment drift", "Lost")
        ],
    ),
    (
        "signals_es.png",
        "lucia",
        "/odoo/action-kam_management.kam_signal_action",
        [
            f".o_group_header:has-text('{group}')"
            for group in ("Notas de crédito", "Ritmo de pedidos", "Cobros vencidos", "Deriva")
        ],
    ),
    (
        "account_health_tab.png",
        "admin",
        ACTION,
        [
            ".o_kanban_record:has-text('Grupo Alimentario Iberia')",
            ".o_notebook .nav-link[name='kam_health']",
            "scroll:.o_field_widget[name='kam_health_explanation']",
        ],
    ),
    (
        "at_risk_accounts.png",
        "admin",
        "/odoo/action-kam_management.kam_account_health_action_at_risk",
        [],
    ),
    (
        "what_if.png",
        "admin",
        ACTION,
        [
            ".o_kanban_record:has-text('Grupo Alimentario Iberia')",
            ".o_notebook .nav-link[name='kam_health']",
            "button[name='action_kam_what_if']",
        ],
    ),
    (
        "whitespace_grid.png",
        "admin",
        "/odoo/action-kam_management.kam_whitespace_action_grid",
        [],
    ),
    (
        "whitespace_grid_es.png",
        "lucia",
        "/odoo/action-kam_management.kam_whitespace_action_grid",
        [],
    ),
    (
        "competition_tab.png",
        "admin",
        ACTION,
        [
            ".o_kanban_record:has-text('Grupo Alimentario Iberia')",
            ".o_notebook .nav-link[name='kam_competition']",
            "scroll:.o_field_widget[name='kam_presence_ids']",
        ],
    ),
    ("rising_accounts.png", "admin", "/odoo/action-kam_management.kam_account_forecast_action", []),
    (
        "kam_board.png",
        "marco",
        "/odoo/crm",  # through the menu: a KAM lands on their own accounts
        [
            ".o_menu_sections [data-menu-xmlid='kam_management.kam_menu_root']",
            ".dropdown-item[data-menu-xmlid='kam_management.res_partner_menu_key_account']",
        ],
    ),
    (
        "scorecard_tab.png",
        "admin",
        ACTION,
        [
            ".o_kanban_record:has-text('Grupo Alimentario Iberia')",
            ".o_notebook .nav-link[name='kam_scorecard']",
            "scroll:.o_kam_scorecard_function[name='score_team']",
        ],
    ),
    (
        "scorecard_matrix.png",
        "admin",
        "/odoo/action-kam_management.kam_account_scorecard_action_matrix",
        [],
    ),
    ("cockpit.png", "admin", "/odoo/action-kam_management.kam_cockpit_action", []),
    ("cockpit_es.png", "lucia", "/odoo/action-kam_management.kam_cockpit_action", []),
]

# (file name, login, language, report, model, domain of the record to print): first
# page of the PDF as PNG, with pdftoppm; in the user's language, as when printed
# from the web client
PLAN = [["name", "like", "Grupo Alimentario Iberia plan"], ["state", "=", "active"]]
IBERIA = [["name", "=", "Grupo Alimentario Iberia"]]
PDFS = [
    (
        "account_plan_pdf_en.png",
        "admin",
        "en_US",
        "kam_account_plan_report",
        "kam.account.plan",
        PLAN,
    ),
    (
        "account_plan_pdf_es.png",
        "lucia",
        "es_ES",
        "kam_account_plan_report",
        "kam.account.plan",
        PLAN,
    ),
    (
        "executive_review_pdf_en.png",
        "admin",
        "en_US",
        "kam_executive_review_report",
        "res.partner",
        IBERIA,
    ),
    (
        "executive_review_pdf_es.png",
        "lucia",
        "es_ES",
        "kam_executive_review_report",
        "res.partner",
        IBERIA,
    ),
]


def login(page, base_url, user):
    page.goto(f"{base_url}/web/login")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", user)
    page.click("button[type=submit]")
    page.wait_for_selector(".o_main_navbar")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--out", default=str(Path(__file__).parent.parent / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="*", help="take only these files (names)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for name, user, path, clicks in SHOTS:
            if args.only and name not in args.only:
                continue
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            login(page, args.url, user)
            page.goto(args.url + path)
            page.wait_for_selector(
                ".o_action_manager .o_view_controller, .o_action_manager .o_kam_whitespace_grid,"
                " .o_action_manager .o_kam_cockpit"
            )
            for selector in clicks:
                if selector.startswith("scroll:"):
                    page.locator(selector[len("scroll:") :]).scroll_into_view_if_needed()
                else:
                    page.click(selector)
                page.wait_for_timeout(800)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / name))
            page.close()
            print("wrote", out / name)
        for name, user, lang, report, model, domain in PDFS:
            if args.only and name not in args.only:
                continue
            page = browser.new_page()
            login(page, args.url, user)
            record_id = page.evaluate(
                """async ([model, domain]) => {
                    const response = await fetch("/web/dataset/call_kw", {
                        method: "POST",
                        headers: {"Content-Type": "application/json"},
                        body: JSON.stringify({jsonrpc: "2.0", method: "call", params: {
                            model, method: "search", args: [domain],
                            kwargs: {limit: 1}}}),
                    });
                    return (await response.json()).result[0];
                }""",
                [model, domain],
            )
            response = page.request.get(
                f"{args.url}/report/pdf/kam_management.{report}/{record_id}",
                # the user's language; the executive review takes it as its option
                params={
                    "context": json.dumps({"lang": lang}),
                    "options": json.dumps({"lang": lang}),
                },
            )
            pdf = out / (name + ".pdf")
            pdf.write_bytes(response.body())
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    pdf,
                    out / name.removesuffix(".png"),
                ],
                check=True,
            )
            pdf.unlink()
            page.close()
            print("wrote", out / name)
        browser.close()


if __name__ == "__main__":
    main()
