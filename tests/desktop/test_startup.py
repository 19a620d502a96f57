"""Starting on Linux: the X libraries Qt needs are checked first, screenshots need no display."""

import sys

import pytest

from desktop import startup


@pytest.fixture
def linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


def test_missing_x_libraries_are_named_with_the_packages_to_install(linux):
    have = {"xcb-cursor": None, "xcb-icccm": "libxcb-icccm.so.4", "xcb-keysyms": None}
    advice = startup.check(screenshots=False, find=have.get)
    assert "sudo apt-get install libxcb-cursor0 libxcb-keysyms1" in advice
    assert "sudo dnf install xcb-util-cursor xcb-util-keysyms" in advice
    assert "icccm" not in advice


def test_all_libraries_present_and_a_display_start_the_window(linux):
    assert startup.check(screenshots=False, find=lambda name: f"lib{name}.so") is None


def test_no_display_is_explained(linux, monkeypatch):
    monkeypatch.delenv("DISPLAY")
    assert "--screenshots" in startup.check(screenshots=False, find=lambda n: f"lib{n}.so")


def test_screenshots_choose_the_offscreen_platform_and_need_no_x_libraries(linux, monkeypatch):
    monkeypatch.delenv("DISPLAY")
    assert startup.check(screenshots=True, find=lambda name: None) is None
    assert startup.os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_a_platform_the_user_chose_is_kept(linux, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "wayland")
    assert startup.check(screenshots=True, find=lambda name: None) is None
    assert startup.os.environ["QT_QPA_PLATFORM"] == "wayland"
