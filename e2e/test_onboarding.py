"""Onboarding a new city end to end in a real browser (issue 8 §2): a platform administrator adds
a province and a city with the guangzhou profile and its first city admin; that admin signs in with
the one-time password, adds a district, a street and a station, and the station's compliance page
is computed with the chosen profile (S-8, a Guangzhou rule, cited from Guangzhou's document)."""
import os
import subprocess
import uuid
from urllib.parse import urlparse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import api_get, api_token, login, screenshot, wait, wait_until_replaced


def run(server, *args):
    env = dict(os.environ, SHEGONG_DATA_DIR=server.data_dir)
    return subprocess.run([server.binary, *args], env=env, capture_output=True, text=True, timeout=120)


def submit(driver, form_id):
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"form#{form_id} button[type='submit']").click()
    wait_until_replaced(driver, old)


def submit_form(driver, action):
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"form[action='{action}'] button[type='submit']").click()
    wait_until_replaced(driver, old)


def fill(driver, scope, name, value):
    field = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, f"{scope} [name='{name}']")))
    field.clear()
    field.send_keys(value)


def logout(driver):
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.XPATH, "//form[@action='/logout']//button").click()
    wait_until_replaced(driver, old)


def test_platform_admin_onboards_a_city_whose_admin_builds_a_station(server, driver):
    base = server.base
    suffix = uuid.uuid4().hex[:6]
    platform, city_admin = f"plat_{suffix}", f"nj_{suffix}"
    made = run(server, "user", "create", "--username", platform, "--name", "平台管理员",
               "--role", "platform_admin", "--password", "platform-pass-1")
    assert made.returncode == 0, made.stdout + made.stderr

    # the platform administrator adds a province, then a city with a shipped profile
    login(driver, base, platform, "platform-pass-1")
    driver.get(base + "/platform/cities")
    assert "城市开通" in driver.find_element(By.TAG_NAME, "h1").text
    fill(driver, "#province-form", "name", "江苏省")
    fill(driver, "#province-form", "division_code", "320000")
    submit(driver, "province-form")
    assert urlparse(driver.current_url).path == "/platform/cities"
    assert "江苏省（320000）" in driver.find_element(By.ID, "cities").text
    screenshot(driver, "onboard-01-province")

    Select(driver.find_element(By.CSS_SELECTOR, "#city-form select[name='province_id']")).select_by_visible_text("江苏省")
    fill(driver, "#city-form", "name", "南京市")
    fill(driver, "#city-form", "division_code", "320100")
    Select(driver.find_element(By.CSS_SELECTOR, "#city-form select[name='profile_choice']")).select_by_value("guangzhou")
    fill(driver, "#city-form", "admin_username", city_admin)
    fill(driver, "#city-form", "admin_display_name", "南京市民政局 管理员")
    submit(driver, "city-form")
    password = wait(driver).until(EC.visibility_of_element_located((By.ID, "one-time-password"))).text.strip()
    assert len(password) >= 8
    assert driver.find_element(By.ID, "created-username").text.strip() == city_admin
    screenshot(driver, "onboard-02-city-created")

    # the platform administrator reads no city's stations (the API takes a bearer token, not the page's session)
    assert api_get(base, "/api/v1/stations", api_token(base, platform, "platform-pass-1"))["total"] == 0
    logout(driver)

    # the new city admin signs in with the one-time password and builds the rest
    login(driver, base, city_admin, password)
    assert urlparse(driver.current_url).path == "/"
    driver.get(base + "/org")
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.LINK_TEXT, "南京市").click()
    wait_until_replaced(driver, old)
    city_path = urlparse(driver.current_url).path
    fill(driver, "form.inline", "name", "玄武区")
    fill(driver, "form.inline", "division_code", "320102")
    submit_form(driver, city_path + "/children")
    assert "玄武区" in driver.find_element(By.TAG_NAME, "h1").text
    district_path = urlparse(driver.current_url).path
    fill(driver, "form.inline", "name", "梅园新村街道")
    submit_form(driver, district_path + "/children")
    assert "梅园新村街道" in driver.find_element(By.TAG_NAME, "h1").text
    screenshot(driver, "onboard-03-street")

    driver.get(base + "/stations/new")
    Select(wait(driver).until(EC.visibility_of_element_located((By.NAME, "street_id")))).select_by_visible_text("梅园新村街道")
    fill(driver, "form.edit", "address", "南京市玄武区长江路 1 号")
    fill(driver, "form.edit", "annual_contract_amount", "240000")
    submit_form(driver, "/stations/new")
    assert "梅园新村街道" in driver.find_element(By.TAG_NAME, "h1").text
    assert "240000 元" in driver.find_element(By.ID, "annual-contract-amount").text
    screenshot(driver, "onboard-04-station")

    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.LINK_TEXT, "合规检查").click()
    wait_until_replaced(driver, old)
    # computed with the guangzhou profile: S-8 is a Guangzhou rule, cited from Guangzhou's document
    row = wait(driver).until(EC.visibility_of_element_located((By.ID, "finding-S-8")))
    assert "广州" in row.find_element(By.CSS_SELECTOR, "td.source").text
    assert not driver.find_elements(By.ID, "finding-P-3")   # a Jinan rule (demonstration rooms) is not in this profile
    screenshot(driver, "onboard-05-compliance")
