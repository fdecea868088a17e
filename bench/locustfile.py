"""The load of ``load.py``: officers of several agencies signing in and working the portal.

Each simulated officer signs in once (the sign-in form, then the two-factor token form if the
portal asks for one: the token is computed from the account's TOTP key), then works in a closed
loop with a short think time: 70 % reads (list page, person page, alerts inbox, dashboard, API
list, the sighting form), 20 % searches (name; passport number where the agency may read
documents, else another name search), 10 % writes (a sighting with a 200 kB photo). The accounts,
the people each may see and the regions they may report from come from the plan ``load.py``
writes (``BENCH_LOAD_PLAN``).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from html.parser import HTMLParser

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser
from totp import totp_now

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115
ACCOUNTS = itertools.cycle(PLAN["accounts"])
PHOTO = bytes.fromhex(PLAN["photo_hex"]) if PLAN.get("photo_hex") else b""
URLS = PLAN["urls"]


class Forms(HTMLParser):
    """The forms of a page: their action, method and inputs (name -> value, type)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "inputs": {}, "types": {}})
        elif tag in ("input", "select", "textarea") and self.forms and a.get("name"):
            form = self.forms[-1]
            form["inputs"].setdefault(a["name"], a.get("value") or "")
            form["types"][a["name"]] = a.get("type") or tag

    def with_field(self, predicate) -> dict | None:
        for form in self.forms:
            if any(predicate(name, kind) for name, kind in form["types"].items()):
                return form
        return None


def hidden(form: dict) -> dict:
    return {n: v for n, v in form["inputs"].items() if form["types"].get(n) == "hidden"}


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data, ctype) in files.items():
        out.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Officer(FastHttpUser):
    wait_time = between(0.05, 0.3)

    def on_start(self):
        self.account = next(ACCOUNTS)
        self.csrf = ""
        self.sign_in()

    def remember_csrf(self, html: str) -> None:
        match = CSRF.search(html)
        if match:
            self.csrf = match.group(1)

    def post_form(self, url: str, data: dict, name: str, **kw):
        headers = {"Referer": self.host + url, "X-CSRFToken": self.csrf}
        return self.client.post(url, data=data, headers=headers, name=name, **kw)

    def sign_in(self) -> None:
        page = self.client.get(URLS["login"], name="sign-in: form")
        form = Forms(page.text).with_field(lambda n, k: k == "password")
        data = hidden(form)
        for field in form["inputs"]:
            if field.endswith("username"):
                data[field] = self.account["username"]
            elif field.endswith("password"):
                data[field] = self.account["password"]
            elif "token" in field and form["types"][field] != "hidden":
                data[field] = totp_now(self.account["totp_key"])  # one form asks for all three
        with self.post_form(
            form["action"] or URLS["login"], data, "sign-in", catch_response=True
        ) as response:
            html = response.text or ""
            token_form = Forms(html).with_field(lambda n, k: "token" in n and k != "hidden")
            if token_form is not None:
                # Two-factor: the portal asks for the TOTP token of the account's device.
                data = hidden(token_form)
                for field, kind in token_form["types"].items():
                    if "token" in field and kind != "hidden":
                        data[field] = totp_now(self.account["totp_key"])
                response.success()
                with self.post_form(
                    token_form["action"] or URLS["login"], data, "sign-in: token",
                    catch_response=True,
                ) as second:  # fmt: skip
                    html = second.text or ""
                    self._check_signed_in(second, html)
            else:
                self._check_signed_in(response, html)
        self.remember_csrf(html)

    def _check_signed_in(self, response, html: str) -> None:
        if response.status_code != 200 or 'type="password"' in html:
            response.failure(f"not signed in (status {response.status_code})")

    # -- reads (70)
    @task(20)
    def list_page(self):
        r = self.client.get(URLS["list"], name="list page")
        self.remember_csrf(r.text or "")

    @task(22)
    def detail(self):
        pk = random.choice(self.account["ids"])
        self.client.get(URLS["detail"].replace("0", str(pk), 1), name="person page")

    @task(10)
    def inbox(self):
        self.client.get(URLS["flags"], name="alerts inbox")

    @task(5)
    def dashboard(self):
        self.client.get(URLS["dashboard"], name="dashboard")

    @task(10)
    def api_list(self):
        self.client.get(URLS["api"], name="API list")

    # -- searches (20)
    @task(13)
    def name_search(self):
        self.client.get(URLS["list"], params={"q": random.choice(self.account["names"])},
                        name="name search")  # fmt: skip

    @task(7)
    def passport(self):
        if not self.account["docs"]:
            return self.name_search()
        number = random.choice(self.account["docs"])
        self.post_form(URLS["list"], {"csrfmiddlewaretoken": self.csrf, "document_number": number},
                       "passport lookup")  # fmt: skip

    # -- writes (10: the form page and its submission)
    @task(3)
    def sighting_form(self):
        self.client.get(URLS["sighting"], name="sighting form")

    @task(10)
    def sighting(self):
        page = self.client.get(URLS["sighting"], name="sighting form")
        form = Forms(page.text or "").with_field(lambda n, k: n == "place")
        if form is None:
            return
        fields = {
            **hidden(form),
            "region": random.choice(self.account["regions"]),
            "place": "Jl. Beban Uji",
            "latitude": "-4.01670",
            "longitude": "119.62360",
            "observed_at": PLAN["observed_at"],
            "activity": "tourism",
            "description": "Load test: a tourist at the harbour.",
            "person": "unknown",
            "apparent_nationality": "AUS",
            "person_count": "1",
            "unidentified_description": "Grey backpack.",
        }
        body, ctype = multipart(fields, {"photos": ("photo.jpg", PHOTO, "image/jpeg")})
        headers = {
            "Content-Type": ctype,
            "Referer": self.host + URLS["sighting"],
            "X-CSRFToken": fields.get("csrfmiddlewaretoken", self.csrf),
        }
        with self.client.post(
            URLS["sighting"], data=body, headers=headers, name="sighting submit",
            catch_response=True, allow_redirects=False,
        ) as response:  # fmt: skip
            # A stored sighting redirects to its confirmation page; a form error answers 200.
            location = response.headers.get("Location") or ""
            if response.status_code != 302 or "/terkirim/" not in location:
                response.failure(f"not submitted (status {response.status_code})")
