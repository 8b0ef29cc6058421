"""The demo data set: accounts in five cities, the network's coordinator and admin, and
records of every kind drawn from ../shared/seeds/ (the Helsinki-Beijing sister-city
agreement and action plans, the Beijing mayor's visit, Lahti's twin-city agreement with
Zhangjiakou, the C21 meetings of 2018). The organisations are real public bodies; the
people are invented; every address is under the reserved .example domain.

The data are readable files in portal/demo/data/, loaded by portal/demo/loader.py through
the same services the pages use (so the audit log and the search index are as for records
entered in the browser). Loading is idempotent: what exists is left alone.
"""

from __future__ import annotations

from portal.demo.loader import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DemoAccount,
    account_count,
    load_demo_data,
)

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoAccount", "account_count", "load_demo_data"]
