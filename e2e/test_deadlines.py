"""Deadlines in the browser: a social worker sees the monthly briefing (A-6) due in the next 30 days
on the home page (one always is: it falls due on the 5th), records that the station filed it, and
sees it marked as filed."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import login, screenshot, wait, wait_until_replaced

UPCOMING_BRIEFING = "//h3[text()='30 天内到期']/following-sibling::ul[1]/li[contains(., '报送月度工作简报')]"


def test_file_the_monthly_briefing_from_the_home_page(driver, base):
    login(driver, base, "worker")
    driver.get(f"{base}/")
    item = wait(driver).until(EC.presence_of_element_located((By.XPATH, UPCOMING_BRIEFING)))
    assert item.find_element(By.CSS_SELECTOR, ".badge").text == "未报送"
    screenshot(driver, "deadlines-before")
    old = driver.find_element(By.TAG_NAME, "html")
    item.find_element(By.XPATH, ".//button[text()='登记已报送']").click()
    wait_until_replaced(driver, old)
    item = wait(driver).until(EC.presence_of_element_located((By.XPATH, UPCOMING_BRIEFING)))
    screenshot(driver, "deadlines-after")
    assert item.find_element(By.CSS_SELECTOR, ".badge").text == "已报送"
    assert not item.find_elements(By.TAG_NAME, "button")
