from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

HEALTH_BANDS = ("healthy", "watch", "at_risk")
WEAK_SCORE = 40
TENSION_AGES = ((0, 30), (30, 90), (90, None))  # days open
TREND_MONTHS = 13


class KamCockpit(models.AbstractModel):
    """The manager's cockpit: the portfolio at a glance, each figure with the
    records behind it (a domain the client opens). Everything is read as the
    user, so a KAM sees the figures of what they may read; a part of the
    cockpit the user may not read at all is left out."""

    _name = "kam.cockpit"
    _description = "Key account cockpit"

    @api.model
    def kam_cockpit_data(self):
        sections = {
            "concentration": self._concentration,
            "health": self._health,
            "scorecard": self._scorecard,
            "workload": self._workload,
            "tensions": self._tensions,
            "plans": self._plans,
            "information": self._information,
            "movements": self._movements,
        }
        data = {"currency": self._currency()}
        for name, reader in sections.items():
            data[name] = reader() if self._may_read(name) else False
        return data

    # models each section reads
    _SECTION_MODELS = {
        "concentration": ("kam.concentration.run",),
        "health": ("res.partner", "kam.account.health"),
        "scorecard": ("kam.account.scorecard",),
        "workload": ("kam.workload",),
        "tensions": ("kam.tension",),
        "plans": ("kam.account.plan",),
        "information": ("kam.whitespace", "kam.account.forecast"),
        "movements": ("kam.concentration.line",),
    }

    def _may_read(self, section):
        if not self.env.user.has_group("kam_management.group_kam_user"):
            return False
        return all(self.env[model].has_access("read") for model in self._SECTION_MODELS[section])

    def _currency(self):
        currency = self.env.company.currency_id
        return {"symbol": currency.symbol, "position": currency.position}

    @staticmethod
    def _figure(label, value, model, domain, **extra):
        return {"label": label, "value": value, "model": model, "domain": domain, **extra}

    # ------------------------------------------------------------------
    # Sections
    # ------------------------------------------------------------------
    def _concentration(self):
        all_runs = self.env["kam.concentration.run"].search_fetch(
            [
                ("company_id", "=", self.env.company.id),
                ("date", ">=", fields.Datetime.now() - relativedelta(months=TREND_MONTHS)),
            ],
            ["date", "date_to", "top10_share", "hhi", "is_backfill"],
        )
        latest = self.env["kam.concentration.run"].search(
            [("company_id", "=", self.env.company.id), ("is_backfill", "=", False)], limit=1
        )
        # one point a month: the month's last computation (back-filled or nightly)
        monthly = {}
        for run in all_runs:  # newest first
            monthly.setdefault((run.date.year, run.date.month), run)
        runs = self.env["kam.concentration.run"].browse(run.id for run in monthly.values())
        company = [("company_id", "=", self.env.company.id)]
        if not latest:
            return {"kpis": [], "trend": []}
        kpis = [
            self._figure(
                self.env._("Key accounts"),
                latest.key_account_count,
                "res.partner",
                [("kam_is_key_account", "=", True), ("is_company", "=", True)],
            ),
            self._figure(
                self.env._("Accounts for 80 %"),
                latest.accounts_for_80,
                "kam.concentration.run",
                [("id", "=", latest.id)],
            ),
            self._figure(
                self.env._("Top 10 share"),
                round(latest.top10_share, 1),
                "kam.concentration.run",
                [("id", "=", latest.id)],
                unit="%",
            ),
            self._figure(
                self.env._("HHI"),
                round(latest.hhi),
                "kam.concentration.run",
                [("id", "=", latest.id)],
                alert=latest.risk_exceeded,
            ),
        ]
        trend = [
            {
                "date": fields.Date.to_string(run.date_to or run.date.date()),
                "top10": round(run.top10_share, 1),
                "hhi": round(run.hhi),
                "backfill": run.is_backfill,
            }
            for run in runs.sorted("date")
        ]
        return {
            "kpis": kpis,
            "trend": trend,
            "trend_domain": company,
        }

    def _health(self):
        partners = self.env["res.partner"]
        key = [("kam_is_key_account", "=", True), ("is_company", "=", True)]
        labels = dict(partners._fields["kam_health_band"]._description_selection(self.env))
        counts = dict(
            self.env["kam.account.health"]._read_group(
                [("company_id", "=", self.env.company.id), ("is_current", "=", True)],
                ["band"],
                ["__count"],
            )
        )
        return [
            self._figure(
                labels[band],
                counts.get(band, 0),
                "res.partner",
                [*key, ("kam_health_band", "=", band)],
                band=band,
            )
            for band in HEALTH_BANDS
        ]

    def _scorecard(self):
        scorecards = self.env["kam.account.scorecard"]
        company = [("company_id", "=", self.env.company.id)]
        averages = scorecards._read_group(
            company,
            [],
            [
                "score_information:avg",
                "score_relationships:avg",
                "score_business:avg",
                "score_team:avg",
            ],
        )[0]
        result = []
        for (name, label), average in zip(
            (
                ("information", self.env._("Information")),
                ("relationships", self.env._("Relationships")),
                ("business", self.env._("Business")),
                ("team", self.env._("Project & Team")),
            ),
            averages,
            strict=True,
        ):
            weak = [*company, (f"score_{name}", "<", WEAK_SCORE)]
            result.append(
                self._figure(
                    label,
                    round(average or 0),
                    "kam.account.scorecard",
                    company,
                    weak=scorecards.search_count(weak),
                    weak_domain=weak,
                )
            )
        return result

    def _workload(self):
        rows = self.env["kam.workload"].search(
            [("company_id", "=", self.env.company.id)], order="load_percent desc"
        )
        return [
            self._figure(
                row.user_id.name,
                round(row.load_percent),
                "kam.workload",
                [("id", "=", row.id)],
                accounts=row.account_count,
                overloaded=row.is_overloaded,
                unit="%",
            )
            for row in rows[:12]
        ]

    def _tensions(self):
        tensions = self.env["kam.tension"]
        labels = dict(tensions._fields["severity"]._description_selection(self.env))
        now = fields.Datetime.now()
        base = [("company_id", "=", self.env.company.id), ("state", "!=", "resolved")]
        severities = ("critical", "high", "medium", "low")
        cells = {severity: [] for severity in severities}
        for start, end in TENSION_AGES:  # one count by severity per age
            aged = [
                *base,
                ("create_date", "<=", fields.Datetime.to_string(now - timedelta(days=start))),
            ]
            if end is not None:
                aged.append(
                    ("create_date", ">", fields.Datetime.to_string(now - timedelta(days=end)))
                )
            counts = dict(tensions._read_group(aged, ["severity"], ["__count"]))
            for severity in severities:
                cells[severity].append(
                    {
                        "value": counts.get(severity, 0),
                        "domain": [*aged, ("severity", "=", severity)],
                    }
                )
        rows = [
            {"label": labels[severity], "severity": severity, "cells": cells[severity]}
            for severity in severities
        ]
        return {"model": "kam.tension", "rows": rows}

    def _plans(self):
        plans = self.env["kam.account.plan"]
        live = [("company_id", "=", self.env.company.id), ("state", "in", ("active", "review"))]
        stale = [*live, ("is_stale", "=", True)]
        at_risk = [*live, ("objective_ids.status", "in", ("at_risk", "late"))]
        return [
            self._figure(
                self.env._("Live plans"), plans.search_count(live), "kam.account.plan", live
            ),
            self._figure(
                self.env._("Plans with objectives at risk or late"),
                plans.search_count(at_risk),
                "kam.account.plan",
                at_risk,
                alert=True,
            ),
            self._figure(
                self.env._("Stale plans"),
                plans.search_count(stale),
                "kam.account.plan",
                stale,
                alert=True,
            ),
        ]

    def _information(self):
        company = [("company_id", "=", self.env.company.id)]
        whitespace = [*company, ("state", "=", "whitespace"), ("lead_id", "=", False)]
        rising = [*company, ("direction", "=", "rising")]
        falling = [*company, ("direction", "=", "falling")]
        cells = self.env["kam.whitespace"]._read_group(
            whitespace, [], ["__count", "expected_revenue:sum"]
        )[0]
        forecasts = self.env["kam.account.forecast"]
        return [
            self._figure(
                self.env._("Whitespace without opportunity"),
                cells[0],
                "kam.whitespace",
                whitespace,
                amount=cells[1] or 0.0,
            ),
            self._figure(
                self.env._("Rising accounts"),
                forecasts.search_count(rising),
                "kam.account.forecast",
                rising,
            ),
            self._figure(
                self.env._("Falling accounts"),
                forecasts.search_count(falling),
                "kam.account.forecast",
                falling,
                alert=True,
            ),
        ]

    def _movements(self):
        latest = self.env["kam.concentration.run"].search(
            [("company_id", "=", self.env.company.id), ("is_backfill", "=", False)], limit=1
        )
        lines = self.env["kam.concentration.line"]
        result = []
        for movement, label in (
            ("entered", self.env._("Entered the key set")),
            ("left", self.env._("Left the key set")),
        ):
            domain = [("run_id", "=", latest.detail_run_id.id), ("movement", "=", movement)]
            names = lines.search(domain, limit=5).partner_id.mapped("display_name")
            result.append(
                self._figure(
                    label,
                    lines.search_count(domain) if latest else 0,
                    "kam.concentration.line",
                    domain,
                    names=names if latest else [],
                )
            )
        return result
