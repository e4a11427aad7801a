"""Security headers in a real browser: every page works under the content security policy (a
violation shows in Chromium's console log)."""
from conftest import api_get, api_token, login, screenshot, wait


def station_id(base, street):
    items = api_get(base, "/api/v1/stations?per=100", api_token(base, "admin"))["items"]
    return next(s["id"] for s in items if s["street_name"] == street)


def csp_errors(driver):
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def open_page(driver, url):
    driver.get(url)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")


def test_pages_run_under_the_content_security_policy(driver, base):
    sid = station_id(base, "解放路街道")
    login(driver, base, "admin")
    paths = ["/", "/org", "/stations", f"/stations/{sid}", f"/stations/{sid}/edit", f"/stations/{sid}/staff",
             f"/stations/{sid}/supervision", f"/stations/{sid}/training", f"/stations/{sid}/compliance",
             "/compliance", "/policy", "/calendar", "/users", "/users/new", "/audit", "/account/password",
             "/no-such-page"]
    driver.get_log("browser")  # start from an empty log
    for path in paths:
        open_page(driver, base + path)
        assert csp_errors(driver) == [], path
    screenshot(driver, "csp-404-page")

    # the policy is in force and the log would show a violation: an inline script is refused
    driver.execute_script("const s = document.createElement('script'); s.textContent = 'window.x = 1';"
                          "document.head.appendChild(s);")
    assert csp_errors(driver), "an inline script was not reported"
    assert driver.execute_script("return window.x") is None
