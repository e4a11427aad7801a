"""Training evidence in the browser: a PNG uploaded through the training form is listed, downloads
again byte for byte under its Chinese name, and its preview shows inside the file's sandbox."""
import os
import struct
import tempfile
import urllib.request
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import login, screenshot, wait, wait_until_replaced
from test_security import csp_errors, open_page, station_id


def tiny_png():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = zlib.compress(b"\x00\xb0\x28\x2d")  # one red pixel, filter byte first
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def test_uploaded_evidence_is_viewed_and_downloaded_again(driver, base):
    sid = station_id(base, "解放路街道")
    login(driver, base, "operator")
    open_page(driver, f"{base}/stations/{sid}/training")
    png = tiny_png()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "结业证书.png")
        with open(path, "wb") as f:
            f.write(png)
        form = driver.find_element(By.CSS_SELECTOR, "form[enctype='multipart/form-data']")
        # the date field's typed format depends on the locale: set its value directly
        driver.execute_script("arguments[0].value = '2026-06-02'", form.find_element(By.NAME, "held_on"))
        form.find_element(By.NAME, "hours").send_keys("3")
        form.find_element(By.NAME, "title").send_keys("浏览器上传的培训")
        form.find_element(By.NAME, "attachment").send_keys(path)
        old = driver.find_element(By.TAG_NAME, "html")
        form.find_element(By.XPATH, ".//button[text()='保存']").click()
        wait_until_replaced(driver, old)

    open_page(driver, f"{base}/stations/{sid}/training?year=2026")
    row = wait(driver).until(EC.presence_of_element_located(
        (By.XPATH, "//tr[td[normalize-space()='浏览器上传的培训']]")))
    download = row.find_element(By.LINK_TEXT, "下载").get_attribute("href")
    screenshot(driver, "evidence-listed")

    # the download, with the browser's session
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(download, headers={"Cookie": cookie}), timeout=10) as r:
        assert r.read() == png
        assert r.headers["Content-Type"] == "image/png"
        assert r.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''%E7%BB%93%E4%B8%9A%E8%AF%81%E4%B9%A6.png" in r.headers["Content-Disposition"]

    # the preview shows the image, inside the file's sandbox
    driver.get_log("browser")
    old = driver.find_element(By.TAG_NAME, "html")
    row.find_element(By.LINK_TEXT, "查看").click()
    wait_until_replaced(driver, old)
    image = wait(driver).until(EC.presence_of_element_located((By.TAG_NAME, "img")))
    assert image.size["width"] > 0
    screenshot(driver, "evidence-preview")
    assert csp_errors(driver) == []
