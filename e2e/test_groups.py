"""Issue 10 §3 and §5 in the browser: a social worker sets up a group, enrols two demo recipients,
records a session's attendance (one refused submission on the way), and sees the station's
dashboard count the session."""
from selenium.webdriver.common.by import By

from conftest import login, screenshot
from test_casework import fill, submit
from test_security import open_page


def dashboard_total(driver, base):
    open_page(driver, base + "/dashboard")
    return int(driver.find_element(By.ID, "total-records").text.split()[0])


def test_a_group_session_with_attendance_reaches_the_dashboard(driver, base):
    login(driver, base, "worker")
    before = dashboard_total(driver, base)
    assert driver.find_element(By.CSS_SELECTOR, "section#by-month svg.chart title").text.endswith("各月服务记录数")

    # a new group, then two members ticked on its page
    open_page(driver, base + "/groups/new")
    form = driver.find_element(By.ID, "group-form")
    fill(form, name="浏览器测试·长者手工小组", field="elderly", item="culture_sports_health", goals="通过手工活动增进交流",
         target="独居老人 6–8 名", planned_sessions="4")
    submit(driver, form)
    assert "筹备中" in driver.find_element(By.ID, "phase").text
    boxes = driver.find_elements(By.CSS_SELECTOR, "#member_form input[type=checkbox]")
    assert len(boxes) >= 2
    for box in boxes[:2]:
        box.click()
    submit(driver, driver.find_element(By.ID, "member_form"))
    members = driver.find_elements(By.CSS_SELECTOR, "#members ul li")
    assert len(members) == 2

    # a session with nobody ticked is refused beside the attendance, what was typed stays
    form = driver.find_element(By.ID, "session_form")
    fill(form, session_minutes="90", session_content="剪纸与茶话")
    submit(driver, form)
    error = driver.find_element(By.ID, "session_attendee_ids").text
    assert "请至少登记一名出席的组员" in error, error
    form = driver.find_element(By.ID, "session_form")
    assert form.find_element(By.NAME, "session_content").get_attribute("value") == "剪纸与茶话"
    ticks = form.find_elements(By.CSS_SELECTOR, ".attendance input[type=checkbox]")
    for tick in ticks:
        tick.click()
    form.find_element(By.CSS_SELECTOR, ".attendance input[placeholder='前测']").send_keys("40")
    fill(form, session_others_count="2")
    submit(driver, form)
    assert "开展中" in driver.find_element(By.ID, "phase").text
    row = driver.find_element(By.CSS_SELECTOR, "#sessions table tbody tr")
    assert "第 1 节" in row.text and "剪纸与茶话" in row.text
    screenshot(driver, "group-session")

    # the dashboard counts it
    assert dashboard_total(driver, base) == before + 1
    assert "小组工作" in driver.find_element(By.ID, "by-method").text
    screenshot(driver, "dashboard")
