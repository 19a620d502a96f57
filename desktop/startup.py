"""Before Qt starts: choose the display platform, and on Linux check the X libraries Qt's xcb
platform needs. Without them Qt aborts the process (exit 134) with a message few can act on;
here the user is told which system packages to install instead. No Qt import here."""

from __future__ import annotations

import ctypes.util
import os
import sys

#: library (as ``ctypes.util.find_library`` names it) → (Debian/Ubuntu, Fedora/RHEL) package
XCB_LIBRARIES = {
    "xcb-cursor": ("libxcb-cursor0", "xcb-util-cursor"),
    "xcb-icccm": ("libxcb-icccm4", "xcb-util-wm"),
    "xcb-keysyms": ("libxcb-keysyms1", "xcb-util-keysyms"),
}
PLATFORM_VAR = "QT_QPA_PLATFORM"


def choose_platform(screenshots: bool) -> str:
    """The Qt platform to use: what ``QT_QPA_PLATFORM`` says; else offscreen for screenshots
    (no display needed); else Qt's default (xcb on Linux). Sets the variable when it chose."""
    chosen = os.environ.get(PLATFORM_VAR, "")
    if not chosen and screenshots:
        chosen = os.environ[PLATFORM_VAR] = "offscreen"
    return chosen or ("xcb" if sys.platform.startswith("linux") else "")


def missing_libraries(platform: str, find=ctypes.util.find_library) -> list[str]:
    """The X libraries the xcb platform needs that this system lacks (none elsewhere)."""
    if not sys.platform.startswith("linux") or not platform.startswith("xcb"):
        return []
    return [name for name in XCB_LIBRARIES if find(name) is None]


def install_advice(missing: list[str]) -> str:
    """What to tell the user about ``missing`` libraries: the packages, and the commands."""
    debian = " ".join(XCB_LIBRARIES[name][0] for name in missing)
    fedora = " ".join(XCB_LIBRARIES[name][1] for name in missing)
    return (
        f"the desktop needs the X libraries {', '.join('lib' + n for n in missing)}, not installed."
        f"\n  Debian/Ubuntu: sudo apt-get install {debian}"
        f"\n  Fedora/RHEL:   sudo dnf install {fedora}"
        "\n  (桌面程序需要以上系统软件包，请安装后重试；或用 --screenshots 在无显示环境下运行)"
    )


def check(screenshots: bool, find=ctypes.util.find_library) -> str | None:
    """Choose the platform; a message naming the packages to install if Qt would abort."""
    platform = choose_platform(screenshots)
    missing = missing_libraries(platform, find)
    if missing:
        return install_advice(missing)
    no_display = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if platform.startswith("xcb") and no_display:
        return (
            "no display to open the window on (DISPLAY is not set): start it in a desktop"
            " session, or render the pages with --screenshots DIR"
            "\n  (没有可用的显示器：请在图形桌面中运行，或使用 --screenshots 目录)"
        )
    return None
