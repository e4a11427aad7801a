"""Issue 9 §5 in the browser, as a social worker finds the register: the list's search form with
its selects left at 全部 (the walk-through found it ignored the name), the village filter, a
correction to a record, and the list on a 390 px phone keeping its column labels."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import login, screenshot, wait, wait_until_replaced
from test_security import open_page


def submit(driver, form):
    old = driver.find_element(By.TAG_NAME, "html")
    form.find_element(By.XPATH, ".//button[@type='submit']").click()
    wait_until_replaced(driver, old)


def names_in_list(driver):
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, "table#recipients tbody tr td:first-child a")]


def test_search_village_filter_and_a_correction(driver, base):
    login(driver, base, "worker")
    open_page(driver, base + "/recipients")
    wanted = names_in_list(driver)[3]

    # the name typed, every select left at 全部
    form = driver.find_element(By.CSS_SELECTOR, "form.filters")
    form.find_element(By.NAME, "q").send_keys(wanted)
    assert Select(form.find_element(By.NAME, "follow_up_level")).first_selected_option.text == "全部"
    submit(driver, form)
    found = names_in_list(driver)
    assert found and all(wanted in name for name in found), found
    assert driver.find_element(By.NAME, "q").get_attribute("value") == wanted

    # a village from the select: every row is in it
    open_page(driver, base + "/recipients")
    form = driver.find_element(By.CSS_SELECTOR, "form.filters")
    village = Select(form.find_element(By.NAME, "village"))
    choice = village.options[1].text
    village.select_by_index(1)
    submit(driver, form)
    villages = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "table#recipients tbody tr td:nth-child(6)")]
    assert villages and set(villages) == {choice}, villages
    screenshot(driver, "recipients-by-village")

    # a correction: the new address on the record and on its timeline
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_elements(By.CSS_SELECTOR, "table#recipients tbody tr td:first-child a")[0].click()
    wait_until_replaced(driver, old)
    form = driver.find_element(By.ID, "details-form")
    address = form.find_element(By.NAME, "edit_address")
    address.clear()
    address.send_keys("历山路 88 号 2 单元")
    submit(driver, form)
    assert "历山路 88 号 2 单元" in driver.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert "信息修改" in driver.find_element(By.ID, "timeline").text
    screenshot(driver, "recipient-corrected")


def test_the_list_keeps_its_column_labels_on_a_phone(phone_driver, base):
    d = phone_driver
    login(d, base, "worker")
    open_page(d, base + "/recipients")
    wait(d).until(EC.presence_of_element_located((By.CSS_SELECTOR, "table#recipients tbody tr")))
    screenshot(d, "recipients-phone")
    headers = [th for th in d.find_elements(By.CSS_SELECTOR, "table#recipients thead th")]
    assert [th.text for th in headers][:3] == ["姓名", "性别", "年龄"]
    assert all(th.is_displayed() for th in headers[:3])
    # the table scrolls inside itself; the page is no wider than the phone
    width = d.execute_script("return document.documentElement.clientWidth")
    assert d.execute_script("return document.documentElement.scrollWidth") <= width
