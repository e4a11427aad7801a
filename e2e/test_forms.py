"""A refused form in a real browser (issue 8 §5): the training form submitted without date and
学时 comes back with every error visible, the first invalid field focused and scrolled into view
(no script: `autofocus` and a summary of links), and what was typed still there."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import login, screenshot, wait, wait_until_replaced
from test_security import csp_errors, open_page, station_id


def in_viewport(driver, element):
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;", element)


def test_a_refused_training_form_focuses_its_first_error_and_keeps_what_was_typed(driver, base):
    sid = station_id(base, "解放路街道")
    login(driver, base, "operator")
    open_page(driver, f"{base}/stations/{sid}/training")
    driver.get_log("browser")  # start from an empty log
    form = driver.find_element(By.CSS_SELECTOR, "form[enctype='multipart/form-data']")
    form.find_element(By.NAME, "title").send_keys("浏览器里填写的培训")
    form.find_element(By.NAME, "organiser").send_keys("市民政局")
    old = driver.find_element(By.TAG_NAME, "html")
    form.find_element(By.XPATH, ".//button[text()='保存']").click()
    wait_until_replaced(driver, old)

    # every error is shown beside its field and listed at the top of the form
    date_error = wait(driver).until(EC.visibility_of_element_located((By.ID, "held_on-error")))
    hours_error = driver.find_element(By.ID, "hours-error")
    assert date_error.text == "培训日期不能为空"
    assert hours_error.is_displayed() and hours_error.text.startswith("培训学时不能为空")
    summary = driver.find_element(By.CSS_SELECTOR, "div.alert[role='alert']")
    links = [a.get_attribute("href").split("#")[-1] for a in summary.find_elements(By.TAG_NAME, "a")]
    assert links == ["held_on", "hours"]

    # the first invalid field has the focus and is on screen, though the form is below the records table
    focused = driver.switch_to.active_element
    assert focused.get_attribute("id") == "held_on"
    assert in_viewport(driver, focused)
    screenshot(driver, "training-form-refused")

    # what was typed is still there
    form = driver.find_element(By.CSS_SELECTOR, "form[enctype='multipart/form-data']")
    assert form.find_element(By.NAME, "title").get_attribute("value") == "浏览器里填写的培训"
    assert form.find_element(By.NAME, "organiser").get_attribute("value") == "市民政局"

    # the summary's link moves to its field, without script
    summary.find_element(By.XPATH, ".//a[contains(@href, '#hours')]").click()
    assert driver.current_url.endswith("#hours")
    assert in_viewport(driver, driver.find_element(By.ID, "hours"))
    assert csp_errors(driver) == []
