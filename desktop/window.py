"""The main window: a sidebar of pages, menus with every action and its shortcut."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from desktop.context import Context
from desktop.pages.appraisal import AppraisalPage
from desktop.pages.audit import AuditPage
from desktop.pages.claims import ClaimsPage
from desktop.pages.doctors import DoctorsPage
from desktop.pages.findings import FindingsPage
from desktop.pages.fund_monitor import FundMonitorPage
from desktop.pages.import_page import ImportPage
from desktop.pages.plugins_page import PluginsPage
from desktop.pages.ranking import RankingPage
from desktop.pages.reports import ReportsPage
from desktop.pages.rule_editor import RuleEditor
from desktop.pages.rules import RulesPage
from desktop.pages.settings import SettingsPage
from desktop.pages.settlement import SettlementPage
from desktop.pages.workspace import WorkspacePage
from desktop.translations import Translations
from desktop.widgets import QueueButton

DEFAULT_SIZE = (1240, 680)  # 1366×768 less a task bar and the window's title bar


class MainWindow(QMainWindow):
    """Pages are built from the shared ``Context``; switching the language rebuilds them."""

    def __init__(self, ctx: Context, translations: Translations):
        super().__init__()
        self.ctx = ctx
        self.translations = translations
        self.build()
        self.restore_sizes()
        ctx.workspace_changed.connect(self.update_title)
        ctx.data_changed.connect(self.update_plugin_warning)

    def build(self) -> None:
        self.menuBar().clear()
        central = QWidget()
        layout = QHBoxLayout(central)
        self.sidebar = QListWidget()
        self.sidebar.setFixedWidth(150)
        self.stack = QStackedWidget()
        ctx = self.ctx
        self.workspace_page = WorkspacePage(ctx)
        self.import_page = ImportPage(ctx)
        self.claims_page = ClaimsPage(ctx)
        self.rules_page = RulesPage(ctx)
        self.rule_editor = RuleEditor(ctx)
        self.audit_page = AuditPage(ctx)
        self.findings_page = FindingsPage(ctx)
        self.settlement_page = SettlementPage(ctx)
        self.doctors_page = DoctorsPage(ctx)
        self.ranking_page = RankingPage(ctx)
        self.appraisal_page = AppraisalPage(ctx)
        self.monitor_page = FundMonitorPage(ctx)
        self.plugins_page = PluginsPage(ctx)
        self.reports_page = ReportsPage(ctx)
        self.settings_page = SettingsPage(ctx)
        self.pages = [
            (self.tr("工作区"), self.workspace_page),
            (self.tr("导入"), self.import_page),
            (self.tr("结算数据"), self.claims_page),
            (self.tr("规则集"), self.rules_page),
            (self.tr("编写规则"), self.rule_editor),
            (self.tr("审核"), self.audit_page),
            (self.tr("疑点审核"), self.findings_page),
            (self.tr("DIP 结算"), self.settlement_page),
            (self.tr("医师记分"), self.doctors_page),
            (self.tr("异常排名"), self.ranking_page),
            (self.tr("考核"), self.appraisal_page),
            (self.tr("基金监测"), self.monitor_page),
            (self.tr("插件"), self.plugins_page),
            (self.tr("报告与日志"), self.reports_page),
            (self.tr("设置"), self.settings_page),
        ]
        for title, page in self.pages:
            self.sidebar.addItem(title)
            self.stack.addWidget(page)
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sidebar.setCurrentRow(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.workspace_page.import_requested.connect(self.import_folder)
        self.settings_page.language_changed.connect(self.set_language)
        self.doctors_page.open_finding.connect(self.open_finding)
        self.build_menus()
        if hasattr(self, "queue_button"):  # rebuilt in another language
            self.statusBar().removeWidget(self.queue_button)
            self.queue_button.deleteLater()
        self.queue_button = QueueButton(ctx)
        self.statusBar().addPermanentWidget(self.queue_button)
        if hasattr(self, "plugin_warning"):
            self.statusBar().removeWidget(self.plugin_warning)
            self.plugin_warning.deleteLater()
        self.plugin_warning = QLabel()
        self.plugin_warning.setStyleSheet("color: #b00020")
        self.statusBar().addPermanentWidget(self.plugin_warning)
        self.update_plugin_warning()
        self.update_title()

    def update_plugin_warning(self) -> None:
        """A plug-in that did not load is never silent: named here, its error in the tip."""
        plugins = self.ctx.plugins()
        names = ", ".join(f["name"] for f in plugins.failures())
        self.plugin_warning.setText(self.tr("⚠ 插件未加载：{0}").format(names) if names else "")
        self.plugin_warning.setToolTip("\n".join(plugins.problems()))

    def action(self, menu, text: str, slot, shortcut: str | None = None) -> QAction:
        act = QAction(text, self)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        self.action(file_menu, self.tr("打开工作区…"), self.workspace_page.choose_open, "Ctrl+O")
        self.action(file_menu, self.tr("新建工作区…"), self.workspace_page.choose_new, "Ctrl+N")
        self.action(file_menu, self.tr("新建加密工作区…"), self.workspace_page.choose_new_encrypted)
        self.action(
            file_menu, self.tr("导入数据包…"), lambda: self.show_page(self.import_page), "Ctrl+I"
        )
        file_menu.addSeparator()
        self.action(file_menu, self.tr("退出"), self.close, "Ctrl+Q")
        review = bar.addMenu(self.tr("审核(&R)"))
        self.action(review, self.tr("运行审核"), self.run_audit, "Ctrl+R")
        self.action(review, self.tr("下一条疑点"), self.findings_page.next, "J")
        self.action(review, self.tr("上一条疑点"), self.findings_page.previous, "K")
        self.action(review, self.tr("确认违规"), lambda: self.findings_page.decide("confirm"), "C")
        self.action(review, self.tr("不予认定"), lambda: self.findings_page.decide("dismiss"), "D")
        self.action(review, self.tr("待补充材料"), lambda: self.findings_page.decide("info"), "I")
        view = bar.addMenu(self.tr("页面(&V)"))
        for number, (title, page) in enumerate(self.pages, start=1):
            shortcut = f"Ctrl+{number % 10}" if number <= 10 else None
            self.action(view, title, lambda _=False, p=page: self.show_page(p), shortcut)
        language = bar.addMenu(self.tr("语言(&L)"))
        self.action(language, "简体中文", lambda: self.set_language("zh_CN"))
        self.action(language, "English", lambda: self.set_language("en"))

    def show_page(self, page: QWidget) -> None:
        self.sidebar.setCurrentRow(self.stack.indexOf(page))

    def open_finding(self, finding_id: str, claim_id: str, rule_id: str, line_no: int) -> None:
        """Show a finding of the doctors' ledger on the review page."""
        self.show_page(self.findings_page)
        self.findings_page.select_finding(
            finding_id, claim_id, rule_id, None if line_no < 0 else line_no
        )

    def run_audit(self) -> None:
        self.show_page(self.audit_page)
        self.audit_page.run()

    def import_folder(self, folder: str) -> None:
        self.show_page(self.import_page)
        self.import_page.start(folder)

    def set_language(self, language: str) -> None:
        self.ctx.settings.setValue("language", language)
        self.translations.use(language)
        self.ctx.lang = "en" if language.startswith("en") else "zh"
        current = self.sidebar.currentRow()
        self.save_sizes()
        self.build()
        self.restore_sizes()
        self.sidebar.setCurrentRow(current)

    def update_title(self) -> None:
        name = Path(self.ctx.path).name if self.ctx.path else self.tr("未打开工作区")
        self.setWindowTitle(self.tr("医保审核工作台 — {0}").format(name))
        self.statusBar().showMessage(str(self.ctx.path or ""))

    def restore_sizes(self) -> None:
        """The window and its splitters as this user left them; the first time, a size that
        fits a 1366×768 laptop screen (and any smaller one) with its status line."""
        settings = self.ctx.settings
        geometry = settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            screen = self.screen().availableGeometry()
            self.resize(min(DEFAULT_SIZE[0], screen.width()), min(DEFAULT_SIZE[1], screen.height()))
        for key, splitter in self.splitters():
            state = settings.value(key)
            if state is not None:
                splitter.restoreState(state)

    def save_sizes(self) -> None:
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        for key, splitter in self.splitters():
            self.ctx.settings.setValue(key, splitter.saveState())

    def splitters(self) -> list[tuple[str, QSplitter]]:
        """Each page's splitters with their settings key (page class and number)."""
        return [
            (f"splitters/{type(page).__name__}/{n}", splitter)
            for _title, page in self.pages
            for n, splitter in enumerate(page.findChildren(QSplitter))
        ]

    def closeEvent(self, event) -> None:
        self.save_sizes()
        self.ctx.stop_jobs()
        super().closeEvent(event)
