"""Real-browser end-to-end tests for 社工站综合管理平台 (headless Chromium).

Each test drives the pages the way a person would and saves screenshots to
e2e/artifacts/.  The server (demo data, fresh database) comes from conftest.py.
"""

from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import (DEMO_PASSWORD, wait_until_replaced, PHONE_WIDTH, api_get, api_token, login,
                      screenshot, wait)

OWN_STREET = "解放路街道"


def path_of(driver):
    return urlparse(driver.current_url).path


def h1_text(driver):
    return wait(driver).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, "main h1, h1"))).text.strip()


def click_and_wait_new_page(driver, element):
    """Click a link/button and wait until the browser has loaded the next page."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait_until_replaced(driver, old)


def nav_status(driver):
    """HTTP status of the current document, from the Navigation Timing API."""
    return driver.execute_script(
        "const e = performance.getEntriesByType('navigation')[0];"
        "return e ? e.responseStatus : null;")


def room_area(driver, kind):
    cell = wait(driver).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, f"table#rooms tr[data-kind='{kind}'] td:nth-child(2)")))
    return cell.text.strip()


# --------------------------------------------------------------------------

def test_admin_edits_case_room_area_via_org_tree(driver, base):
    login(driver, base, "admin")
    assert path_of(driver) == "/"
    assert driver.find_element(By.CSS_SELECTOR, "a.brand").text.strip() == "社工站综合管理平台"
    screenshot(driver, "admin-01-home")

    # 组织架构 in the header navigation
    click_and_wait_new_page(
        driver, driver.find_element(By.XPATH, "//div[@class='menu']//nav//a[normalize-space()='组织架构']"))
    assert path_of(driver) == "/org"
    assert h1_text(driver) == "组织架构"
    screenshot(driver, "admin-02-org-roots")

    # the tree root (济南市), then the district 历下区 from its table
    click_and_wait_new_page(driver, driver.find_element(By.LINK_TEXT, "济南市"))
    assert path_of(driver).startswith("/org/")
    assert "济南市" in h1_text(driver)
    district = wait(driver).until(EC.element_to_be_clickable(
        (By.XPATH, "//table[contains(@class,'list')]//a[normalize-space()='历下区']")))
    screenshot(driver, "admin-03-city")
    click_and_wait_new_page(driver, district)
    assert path_of(driver).startswith("/org/")
    assert "历下区" in h1_text(driver)
    screenshot(driver, "admin-04-district-lixia")

    # a station from the district's table of streets
    station_links = driver.find_elements(
        By.CSS_SELECTOR, "table.list tbody a[href^='/stations/']")
    assert station_links, "the district page lists no station links"
    link = station_links[0]
    station_name = link.text.strip()
    station_path = urlparse(link.get_attribute("href")).path
    assert station_name
    click_and_wait_new_page(driver, link)
    assert path_of(driver) == station_path
    assert h1_text(driver) == station_name
    before = room_area(driver, "case_work")
    screenshot(driver, "admin-05-station")

    new_area = "23.5" if before != "23.5" else "24.5"

    # 编辑
    edit = wait(driver).until(EC.element_to_be_clickable(
        (By.XPATH, "//a[contains(@class,'button') and normalize-space()='编辑']")))
    assert urlparse(edit.get_attribute("href")).path == station_path + "/edit"
    click_and_wait_new_page(driver, edit)
    assert path_of(driver) == station_path + "/edit"
    field = wait(driver).until(EC.visibility_of_element_located((By.NAME, "area_case_work")))
    assert field.get_attribute("value").strip() == ("" if before == "未设置" else before)
    field.clear()
    field.send_keys(new_area)
    screenshot(driver, "admin-06-edit-form")

    click_and_wait_new_page(
        driver, driver.find_element(By.XPATH, "//form//button[@type='submit' and normalize-space()='保存']"))
    assert path_of(driver) == station_path, \
        f"saving should redirect to the station page, got {driver.current_url}"
    assert h1_text(driver) == station_name
    assert room_area(driver, "case_work") == new_area
    screenshot(driver, "admin-07-after-save")

    # the value is stored, not just echoed: reload the page
    old = driver.find_element(By.TAG_NAME, "html")
    driver.refresh()
    wait_until_replaced(driver, old)
    assert path_of(driver) == station_path
    assert room_area(driver, "case_work") == new_area
    row = driver.find_element(By.CSS_SELECTOR, "table#rooms tr[data-kind='case_work']")
    assert "个案工作室" in row.text
    screenshot(driver, "admin-08-reloaded")

    # and the edit form shows it too
    driver.get(base + station_path + "/edit")
    field = wait(driver).until(EC.visibility_of_element_located((By.NAME, "area_case_work")))
    assert field.get_attribute("value").strip() == new_area


def test_street_officer_cannot_open_another_streets_station(driver, base):
    token = api_token(base, "admin")
    items = api_get(base, "/api/v1/stations?per=100", token)["items"]
    own = [s for s in items if s["street_name"] == OWN_STREET]
    others = [s for s in items if s["street_name"] != OWN_STREET]
    assert len(own) == 1, f"expected one {OWN_STREET} station in the demo data"
    assert others, "expected stations of other streets in the demo data"
    own = own[0]
    # a neighbouring street in the same district, and a street elsewhere
    same_district = [s for s in others if s["district_id"] == own["district_id"]]
    elsewhere = [s for s in others if s["district_id"] != own["district_id"]]
    assert same_district and elsewhere
    targets = [("same-district", same_district[0]), ("other-district", elsewhere[0])]

    login(driver, base, "jiefanglu")
    assert path_of(driver) == "/"
    screenshot(driver, "street-01-home")

    for label, other in targets:
        # another street's station by URL: 404 page, nothing of that station shown
        driver.get(f"{base}/stations/{other['id']}")
        assert h1_text(driver) == "未找到", f"{label}: {other['name']} was shown"
        assert "未找到" in driver.title
        assert nav_status(driver) == 404
        assert other["name"] not in driver.find_element(By.TAG_NAME, "body").text
        assert other["name"] not in driver.page_source
        assert not driver.find_elements(By.CSS_SELECTOR, "table#rooms")
        assert not driver.find_elements(By.XPATH, "//a[normalize-space()='编辑']")
        screenshot(driver, f"street-02-{label}-station-404")

        # nor its edit page
        driver.get(f"{base}/stations/{other['id']}/edit")
        assert h1_text(driver) == "未找到"
        assert nav_status(driver) == 404
        assert other["name"] not in driver.page_source
        assert not driver.find_elements(By.NAME, "area_case_work")
        screenshot(driver, f"street-03-{label}-station-edit-404")

    # the station list offers only their own station ...
    driver.get(base + "/stations")
    wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "table.list")))
    names = [a.text.strip() for a in driver.find_elements(
        By.CSS_SELECTOR, "table.list tbody a[href^='/stations/']")]
    assert names == [own["name"]]
    screenshot(driver, "street-04-station-list")

    # ... which opens
    click_and_wait_new_page(driver, driver.find_element(By.LINK_TEXT, own["name"]))
    assert path_of(driver).lower() == f"/stations/{own['id']}".lower()
    assert h1_text(driver) == own["name"]
    assert nav_status(driver) == 200
    assert driver.find_elements(By.CSS_SELECTOR, "table#rooms tr[data-kind='case_work']")
    screenshot(driver, "street-05-own-station")

    # also by URL
    driver.get(f"{base}/stations/{own['id']}")
    assert h1_text(driver) == own["name"]


def test_wrong_password_shows_error_and_stays_on_login(driver, base):
    driver.get(base + "/login")
    wait(driver).until(EC.visibility_of_element_located((By.NAME, "username"))).send_keys("admin")
    driver.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD + "-wrong")
    click_and_wait_new_page(
        driver, driver.find_element(By.XPATH, "//button[normalize-space()='登录']"))

    alert = wait(driver).until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, "div.alert[role='alert']")))
    assert "用户名或密码错误" in alert.text
    assert path_of(driver) == "/login"
    assert nav_status(driver) == 401
    # still the login form, not logged in
    assert driver.find_element(By.NAME, "username").is_displayed()
    assert driver.find_element(By.NAME, "password").get_attribute("value") == ""
    assert not driver.find_elements(By.XPATH, "//button[normalize-space()='退出']")
    screenshot(driver, "login-wrong-password")

    # a protected page still sends the user to the login page
    driver.get(base + "/stations")
    wait(driver).until(EC.visibility_of_element_located((By.NAME, "password")))
    assert path_of(driver) == "/login"


def _assert_no_horizontal_overflow(driver, where):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH + 1, \
        f"{where}: page is {width}px wide on a {PHONE_WIDTH}px phone (horizontal scrolling)"


def test_phone_menu_toggles_and_leads_to_station_list(phone_driver, base):
    d = phone_driver
    login(d, base, "admin")
    assert path_of(d) == "/"
    assert d.execute_script("return window.innerWidth") == PHONE_WIDTH
    _assert_no_horizontal_overflow(d, "home (menu closed)")
    screenshot(d, "phone-01-home-menu-closed")

    stations_link = d.find_element(By.XPATH, "//div[@class='menu']//nav//a[normalize-space()='社工站']")
    nav_links = d.find_elements(By.CSS_SELECTOR, ".menu nav a")
    logout = d.find_element(By.XPATH, "//div[@class='menu']//button[normalize-space()='退出']")
    assert nav_links
    assert not any(a.is_displayed() for a in nav_links), "nav links visible before tapping 菜单"
    assert not logout.is_displayed()

    menu_button = wait(d).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, "label.menu-button")))
    assert menu_button.text.strip() == "菜单"
    menu_button.click()

    wait(d).until(EC.visibility_of(stations_link))
    texts = [a.text.strip() for a in nav_links if a.is_displayed()]
    for expected in ("首页", "组织架构", "社工站"):
        assert expected in texts
    assert logout.is_displayed()
    _assert_no_horizontal_overflow(d, "home (menu open)")
    screenshot(d, "phone-02-menu-open")

    # tapping again closes it
    menu_button.click()
    wait(d).until(EC.invisibility_of_element(stations_link))
    menu_button.click()
    wait(d).until(EC.element_to_be_clickable(stations_link))

    click_and_wait_new_page(d, stations_link)
    assert path_of(d) == "/stations"
    assert h1_text(d) == "社工站"
    rows = wait(d).until(EC.visibility_of_all_elements_located(
        (By.CSS_SELECTOR, "table.list tbody tr")))
    assert len(rows) >= 10
    # the menu is closed again on the new page
    assert not d.find_element(
        By.XPATH, "//div[@class='menu']//nav//a[normalize-space()='社工站']").is_displayed()
    _assert_no_horizontal_overflow(d, "/stations")
    screenshot(d, "phone-03-station-list")

    # a station page fits, too
    link = d.find_element(By.CSS_SELECTOR, "table.list tbody a[href^='/stations/']")
    name = link.text.strip()
    click_and_wait_new_page(d, link)
    assert h1_text(d) == name
    _assert_no_horizontal_overflow(d, "station page")
    screenshot(d, "phone-04-station")
