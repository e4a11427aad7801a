"""Issue 10 §5 in the browser: "records are never hard-deleted; corrections are versions". A social
worker records a home visit on a recipient's page, opens it from the services list, is refused a
correction without a reason, corrects the minutes and sees the earlier version kept."""
from selenium.webdriver.common.by import By

from conftest import login, screenshot
from conftest import wait_until_replaced
from test_casework import fill, submit
from test_security import open_page


def test_a_visit_corrected_keeps_its_first_version(driver, base):
    login(driver, base, "worker")
    open_page(driver, base + "/recipients?status=active")
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_elements(By.CSS_SELECTOR, "table#recipients tbody tr td:first-child a")[1].click()
    wait_until_replaced(driver, old)

    # a home visit of 35 minutes
    form = driver.find_element(By.ID, "visit-form")
    today = driver.execute_script("return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)")
    driver.execute_script(f"arguments[0].value = '{today}'", form.find_element(By.NAME, "visit_on"))
    fill(form, visit_kind="home", visit_minutes="35", visit_field="elderly", visit_item="emotional_comfort", visit_content="浏览器测试：入户了解起居",
         visit_findings="独居，厨房有安全隐患")
    submit(driver, form)
    line = next(tr for tr in driver.find_elements(By.CSS_SELECTOR, "#service-lines tbody tr") if "浏览器测试：入户了解起居" in tr.text)
    assert "35 分钟" in line.text
    old = driver.find_element(By.TAG_NAME, "html")
    line.find_element(By.LINK_TEXT, "详情").click()
    wait_until_replaced(driver, old)
    assert "第 1 版（未更正）" in driver.find_element(By.ID, "record").text

    # no reason: refused beside the field, nothing changed
    form = driver.find_element(By.CSS_SELECTOR, "#correct form")
    driver.execute_script("arguments[0].removeAttribute('required')", form.find_element(By.NAME, "reason"))
    fill(form, minutes="50")
    submit(driver, form)
    assert "原因" in driver.find_element(By.ID, "reason-error").text
    assert "35 分钟" in driver.find_element(By.ID, "record").text

    # with a reason: version 2, the first kept with who and why
    form = driver.find_element(By.CSS_SELECTOR, "#correct form")
    fill(form, minutes="50", reason="时长记错，实际 50 分钟")
    submit(driver, form)
    record = driver.find_element(By.ID, "record").text
    assert "50 分钟" in record and "第 2 版" in record, record
    versions = driver.find_element(By.ID, "versions").text
    assert "第 1 版" in versions and "35 分钟" in versions and "时长记错，实际 50 分钟" in versions, versions
    screenshot(driver, "service-correction")
