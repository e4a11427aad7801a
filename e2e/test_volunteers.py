"""Issue 11 §1 in the browser: a social worker records a volunteer's hours on a community event from
the event's page and confirms them, is refused an overlapping entry (409, naming the other activity),
a Wuhan worker redeems points for a reward, and the record of service downloads as a PDF."""
import json
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import api_get, api_token, login, screenshot, wait_until_replaced
from test_casework import submit
from test_security import open_page


def set_value(driver, form, name, value):
    driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, name), value)


def record_on_event(driver, base, volunteer_index, start, end):
    """From the events list, the first event's page, its volunteer hours form, filled and sent."""
    open_page(driver, base + "/events")
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_elements(By.CSS_SELECTOR, "table#events tbody tr a")[0].click()
    wait_until_replaced(driver, old)
    title = driver.find_element(By.TAG_NAME, "h1").text.replace("社区活动：", "")
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "record-volunteer-hours").click()
    wait_until_replaced(driver, old)
    form = driver.find_element(By.ID, "hours-form")
    day = form.find_element(By.NAME, "starts_at").get_attribute("value")[:10]
    Select(form.find_element(By.NAME, "volunteer_id")).select_by_index(volunteer_index)
    set_value(driver, form, "starts_at", f"{day}T{start}")
    set_value(driver, form, "ends_at", f"{day}T{end}")
    submit(driver, form)
    return title


def wuhan_worker(base):
    """A social worker of 大智街道, registered by Wuhan's civil-affairs bureau through the API."""
    token = api_token(base, "wuhan")
    street = next(u["id"] for u in api_get(base, "/api/v1/org-units?level=street", token) if u["name"] == "大智街道")
    body = {"username": "dazhi_e2e", "display_name": "大智街道 社工", "password": "e2e-pass-12345",
            "assignments": [{"role": "social_worker", "org_unit_id": street}]}
    req = urllib.request.Request(base + "/api/v1/users", data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 201


def test_volunteer_hours_points_and_record_of_service(driver, base):
    login(driver, base, "worker")

    # hours on a community event, recorded from its page by its station, then confirmed
    title = record_on_event(driver, base, 3, "09:00", "11:00")
    assert "待确认" in driver.find_element(By.ID, "entry-status").text
    assert "2 小时" in driver.find_element(By.ID, "entry-hours").text
    submit(driver, driver.find_element(By.ID, "confirm-form"))
    assert "已确认" in driver.find_element(By.ID, "entry-status").text
    volunteer_page = driver.find_element(By.LINK_TEXT, "返回志愿者").get_attribute("href")

    # the same volunteer at an overlapping time: refused, naming the other activity
    record_on_event(driver, base, 3, "10:00", "11:30")
    error = driver.find_element(By.ID, "starts_at-error").text
    assert title in error and "不能重叠" in error, error
    screenshot(driver, "volunteer-hours-overlap")

    # the record of service: the platform's record, and a PDF
    open_page(driver, volunteer_page)
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.PARTIAL_LINK_TEXT, "志愿服务记录").click()
    wait_until_replaced(driver, old)
    assert "平台记录，非全国志愿服务信息系统证明" in driver.find_element(By.ID, "disclaimer").text
    assert title in driver.find_element(By.ID, "record-activities").text
    head = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(document.getElementById('record-pdf').href).then(r => r.arrayBuffer())
          .then(b => done(String.fromCharCode(...new Uint8Array(b).slice(0, 4)))).catch(e => done('error ' + e));
    """)
    assert head == "%PDF", head

    # Wuhan (R-4 points): a worker of 大智街道 redeems a reward with a volunteer's points
    wuhan_worker(base)
    driver.delete_all_cookies()
    login(driver, base, "dazhi_e2e", password="e2e-pass-12345")
    open_page(driver, base + "/volunteers")
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_elements(By.CSS_SELECTOR, "table#volunteers tbody tr td:first-child a")[0].click()
    wait_until_replaced(driver, old)
    before = int(driver.find_element(By.ID, "points-balance").text.split()[0])
    form = driver.find_element(By.ID, "redeem-form")
    select = Select(form.find_element(By.NAME, "reward_id"))
    select.select_by_visible_text(next(o.text for o in select.options if o.text.startswith("理发券")))
    submit(driver, form)
    after = int(driver.find_element(By.ID, "points-balance").text.split()[0])
    assert after == before - 30, (before, after)
    assert "理发券×1" in driver.find_element(By.ID, "points-entries").text
    screenshot(driver, "volunteer-points")
