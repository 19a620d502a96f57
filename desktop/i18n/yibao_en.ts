<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../pages/audit.py" line="30" />
        <location filename="../pages/audit.py" line="35" />
        <source>运行审核</source>
        <translation>Run audit</translation>
    </message>
    <message>
        <location filename="../pages/audit.py" line="31" />
        <source>选择要运行的规则集：</source>
        <translation>Rule sets to run:</translation>
    </message>
    <message>
        <location filename="../pages/audit.py" line="43" />
        <source>审核结果的汇总显示在这里。</source>
        <translation>The audit summary appears here.</translation>
    </message>
    <message>
        <location filename="../pages/audit.py" line="77" />
        <source>请先打开工作区。</source>
        <translation>Open a workspace first.</translation>
    </message>
    <message>
        <location filename="../pages/audit.py" line="81" />
        <source>请至少选择一个规则集。</source>
        <translation>Choose at least one rule set.</translation>
    </message>
    <message>
        <location filename="../pages/audit.py" line="94" />
        <source>审核已取消，未保存。</source>
        <translation>Audit cancelled; nothing saved.</translation>
    </message>
    <message>
        <location filename="../pages/audit.py" line="97" />
        <source>审核</source>
        <translation>Audit</translation>
    </message>
    <message>
        <location filename="../pages/audit.py" line="118" />
        <source>规则</source>
        <translation>Rule</translation>
    </message>
    <message>
        <location filename="../pages/audit.py" line="118" />
        <source>疑点数</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location filename="../pages/audit.py" line="118" />
        <source>涉及金额（元）</source>
        <translation>Amount (yuan)</translation>
    </message>
</context>
<context>
    <name>BarChart</name>
    <message>
        <location filename="../widgets.py" line="116" />
        <source>（无数据）</source>
        <translation>(no data)</translation>
    </message>
</context>
<context>
    <name>ClaimLinesModel</name>
    <message>
        <location filename="../lazy_table.py" line="114" />
        <source>序号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../lazy_table.py" line="115" />
        <source>项目编码</source>
        <translation>Item code</translation>
    </message>
    <message>
        <location filename="../lazy_table.py" line="116" />
        <source>项目名称</source>
        <translation>Item name</translation>
    </message>
    <message>
        <location filename="../lazy_table.py" line="117" />
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../lazy_table.py" line="118" />
        <source>数量</source>
        <translation>Quantity</translation>
    </message>
    <message>
        <location filename="../lazy_table.py" line="119" />
        <source>单价</source>
        <translation>Unit price</translation>
    </message>
    <message>
        <location filename="../lazy_table.py" line="120" />
        <source>金额</source>
        <translation>Amount</translation>
    </message>
</context>
<context>
    <name>ClaimsPage</name>
    <message>
        <location filename="../pages/claims.py" line="28" />
        <source>结算数据</source>
        <translation>Claims</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="31" />
        <source>结算ID或诊断编码的开头，或人员编号</source>
        <translation>Start of a claim id or diagnosis, or a patient id</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="34" />
        <source>全部就诊类型</source>
        <translation>All visit types</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="36" />
        <source>住院</source>
        <translation>Inpatient</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="37" />
        <source>门诊</source>
        <translation>Outpatient</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="38" />
        <source>门诊慢特病</source>
        <translation>Chronic outpatient</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="39" />
        <source>药店购药</source>
        <translation>Pharmacy</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="43" />
        <source>起始日期</source>
        <translation>From date</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="46" />
        <source>截止日期</source>
        <translation>To date</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="49" />
        <source>最低金额</source>
        <translation>Minimum amount</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="50" />
        <source>筛选</source>
        <translation>Filter</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="58" />
        <source>结算ID</source>
        <translation>Claim</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="59" />
        <source>人员编号</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="60" />
        <source>机构</source>
        <translation>Institution</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="61" />
        <source>就诊类型</source>
        <translation>Visit type</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="62" />
        <source>入院/就诊日期</source>
        <translation>Admission/visit</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="63" />
        <source>出院日期</source>
        <translation>Discharge</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="64" />
        <source>主要诊断</source>
        <translation>Main diagnosis</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="65" />
        <source>医疗费总额</source>
        <translation>Total amount</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="74" />
        <source>选择一条结算，查看其结算信息和明细；审核发现疑点的明细标为红色。</source>
        <translation>Select a claim to see its header and lines; lines with findings are marked red.</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="99" />
        <source>全部机构</source>
        <translation>All institutions</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="106" />
        <source>打开工作区后显示结算数据。</source>
        <translation>Open a workspace to see its claims.</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="118" />
        <source>最低金额不是数字。</source>
        <translation>The minimum amount is not a number.</translation>
    </message>
    <message>
        <location filename="../pages/claims.py" line="121" />
        <source>没有符合条件的结算。</source>
        <translation>No claim matches.</translation>
    </message>
</context>
<context>
    <name>FindingsPage</name>
    <message>
        <source>责任医师：</source>
        <translation>Doctor: </translation>
    </message>
    <message>
        <source>科室：</source>
        <translation>Department: </translation>
    </message>
    <message>
        <source>最新一次审核中没有这个疑点：{0}</source>
        <translation>The latest audit has no such finding: {0}</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="38" />
        <location filename="../pages/findings.py" line="60" />
        <source>违规</source>
        <translation>Violation</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="38" />
        <location filename="../pages/findings.py" line="61" />
        <source>可疑</source>
        <translation>Suspicious</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="40" />
        <location filename="../pages/findings.py" line="69" />
        <source>确认违规</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="41" />
        <location filename="../pages/findings.py" line="70" />
        <source>不予认定</source>
        <translation>Dismissed</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="42" />
        <location filename="../pages/findings.py" line="71" />
        <source>待补充材料</source>
        <translation>Needs information</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="43" />
        <location filename="../pages/findings.py" line="68" />
        <source>未审核</source>
        <translation>Not reviewed</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="46" />
        <source>疑点审核</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="50" />
        <source>全部规则</source>
        <translation>All rules</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="51" />
        <source>GZ 规则</source>
        <translation>GZ rules</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="52" />
        <source>ZB 指标</source>
        <translation>ZB indicators</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="53" />
        <source>JC 集采</source>
        <translation>JC procurement</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="54" />
        <source>ZF 支付方式</source>
        <translation>ZF payment method</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="59" />
        <source>全部严重程度</source>
        <translation>All severities</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="67" />
        <source>全部结论</source>
        <translation>All decisions</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="75" />
        <source>搜索结算ID、规则或说明</source>
        <translation>Search claim, rule or message</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="81" />
        <source>结算ID</source>
        <translation>Claim</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="82" />
        <source>行</source>
        <translation>Line</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="83" />
        <source>机构</source>
        <translation>Institution</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="84" />
        <source>规则编码</source>
        <translation>Rule code</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="85" />
        <source>严重程度</source>
        <translation>Severity</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="86" />
        <source>涉及金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="87" />
        <source>结论</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="88" />
        <source>扣款</source>
        <translation>Deduction</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="89" />
        <source>说明</source>
        <translation>Message</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="107" />
        <source>默认为疑点金额</source>
        <translation>Default: the finding's amount</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="109" />
        <source>扣款金额（元）</source>
        <translation>Deduction (yuan)</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="110" />
        <source>审核意见</source>
        <translation>Comment</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="113" />
        <source>确认违规 (C)</source>
        <translation>Confirm (C)</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="114" />
        <source>不予认定 (D)</source>
        <translation>Dismiss (D)</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="115" />
        <source>待补充材料 (I)</source>
        <translation>Needs information (I)</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="139" />
        <source>全部机构</source>
        <translation>All institutions</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="149" />
        <source>还没有审核结果：在“审核”页运行审核后，疑点显示在这里。</source>
        <translation>No audit results yet: run an audit on the Audit page and the findings appear here.</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="151" />
        <source>请先打开工作区。</source>
        <translation>Open a workspace first.</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="170" />
        <source>选择一个疑点，查看其证据、说明和政策依据。</source>
        <translation>Select a finding to see its evidence, message and policy basis.</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="172" />
        <source>{0} 个疑点已载入（滚动载入更多）</source>
        <translation>{0} findings loaded (scroll for more)</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="191" />
        <source>政策依据：</source>
        <translation>Policy basis: </translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="193" />
        <source>结算：</source>
        <translation>Claim: </translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="195" />
        <source>机构：</source>
        <translation>Institution: </translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="197" />
        <source>疑点：</source>
        <translation>Finding: </translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="212" />
        <source>请先选择疑点。</source>
        <translation>Select a finding first.</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="233" />
        <source>已记录 {0} 条审核结论。</source>
        <translation>{0} decisions recorded.</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="80" />
        <source>规则</source>
        <translation>Rule</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="244" />
        <source>审核结论</source>
        <translation>Decision</translation>
    </message>
    <message>
        <location filename="../pages/findings.py" line="247" />
        <source>另一任务正在写入工作区：{0} 条审核结论已排队，随后保存。</source>
        <translation>Another job is writing the workspace: {0} decision(s) queued, saved after it.</translation>
    </message>
</context>
<context>
    <name>ImportPage</name>
    <message>
        <source>（英文表头）</source>
        <translation>(English headers)</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="38" />
        <source>导入数据包</source>
        <translation>Import a data package</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="42" />
        <source>数据包是一个文件夹：claims、lines 及 reference/ 下的参考数据，CSV（UTF-8、GBK、GB18030）或 XLSX，中英文表头均可。有任何无法保存的数据，整个数据包不写入。</source>
        <translation>A data package is a folder: claims, lines and reference data under reference/, as CSV (UTF-8, GBK, GB18030) or XLSX, with Chinese or English headers. If anything cannot be stored, nothing of the package is written.</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="49" />
        <source>数据包文件夹</source>
        <translation>Data package folder</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="50" />
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="51" />
        <source>替换已有结算</source>
        <translation>Replace existing claims</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="52" />
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="62" />
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="62" />
        <source>行</source>
        <translation>Line</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="62" />
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="62" />
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="75" />
        <source>选择数据包文件夹</source>
        <translation>Choose a data package folder</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="84" />
        <source>数据包预览：</source>
        <translation>Package preview:</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="96" />
        <source>缺少必填列：</source>
        <translation>Missing required columns: </translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="98" />
        <source>其他列（原样保留）：</source>
        <translation>Other columns (kept as they are): </translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="107" />
        <source>请先打开或新建工作区。</source>
        <translation>Open or create a workspace first.</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="110" />
        <source>请选择数据包文件夹。</source>
        <translation>Choose a data package folder.</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="131" />
        <source>已取消，工作区未改变。</source>
        <translation>Cancelled; the workspace is unchanged.</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="138" />
        <source>已导入 {claims:,} 条结算、{lines:,} 条明细，用时 {seconds:.1f} 秒。</source>
        <translation>Imported {claims:,} claims and {lines:,} lines in {seconds:.1f} s.</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="142" />
        <source>检测到的编码：</source>
        <translation>Detected encodings:</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="144" />
        <source>表头对应：</source>
        <translation>Header mapping:</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="67" />
        <source>数据包是一个文件夹：claims.csv（结算）、lines.csv（明细）及 reference/ 下的参考数据，CSV（UTF-8、GBK、GB18030）或 XLSX，中英文表头均可。有任何无法保存的数据，整个数据包不写入。</source>
        <translation>A data package is a folder: claims.csv, lines.csv and reference data under reference/, as CSV (UTF-8, GBK, GB18030) or XLSX, with Chinese or English headers. If anything cannot be stored, nothing of the package is written.</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="77" />
        <source>人员编号假名化</source>
        <translation>Pseudonymise patient ids</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="80" />
        <source>用本工作区的密钥把人员编号换成假名（P+16位），并丢弃姓名、身份证号等列；密钥保存在本机用户数据目录，不在工作区文件中。已假名化的工作区总是假名化导入。</source>
        <translation>Replace patient ids by pseudonyms (P + 16 digits) keyed by this workspace's key, and drop name and id-card columns; the key stays in this computer's user data folder, not in the workspace. A pseudonymised workspace always imports pseudonymised.</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="190" />
        <source>导入 {0}</source>
        <translation>Import {0}</translation>
    </message>
    <message>
        <location filename="../pages/import_page.py" line="200" />
        <source>人员编号已假名化。</source>
        <translation>Patient ids are pseudonymised.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>新建加密工作区…</source>
        <translation>New encrypted workspace…</translation>
    </message>
    <message>
        <source>编写规则</source>
        <translation>Write rules</translation>
    </message>
    <message>
        <source>医师记分</source>
        <translation>Doctors' points</translation>
    </message>
    <message>
        <location filename="../window.py" line="60" />
        <source>工作区</source>
        <translation>Workspace</translation>
    </message>
    <message>
        <location filename="../window.py" line="61" />
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../window.py" line="62" />
        <source>结算数据</source>
        <translation>Claims</translation>
    </message>
    <message>
        <location filename="../window.py" line="63" />
        <source>规则集</source>
        <translation>Rule sets</translation>
    </message>
    <message>
        <location filename="../window.py" line="64" />
        <source>审核</source>
        <translation>Audit</translation>
    </message>
    <message>
        <location filename="../window.py" line="65" />
        <source>疑点审核</source>
        <translation>Findings</translation>
    </message>
    <message>
        <location filename="../window.py" line="66" />
        <source>DIP 结算</source>
        <translation>DIP settlement</translation>
    </message>
    <message>
        <location filename="../window.py" line="67" />
        <source>插件</source>
        <translation>Plug-ins</translation>
    </message>
    <message>
        <location filename="../window.py" line="68" />
        <source>报告与日志</source>
        <translation>Reports &amp; log</translation>
    </message>
    <message>
        <location filename="../window.py" line="69" />
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../window.py" line="94" />
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../window.py" line="95" />
        <source>打开工作区…</source>
        <translation>Open workspace…</translation>
    </message>
    <message>
        <location filename="../window.py" line="96" />
        <source>新建工作区…</source>
        <translation>New workspace…</translation>
    </message>
    <message>
        <location filename="../window.py" line="98" />
        <source>导入数据包…</source>
        <translation>Import data package…</translation>
    </message>
    <message>
        <location filename="../window.py" line="101" />
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <location filename="../window.py" line="102" />
        <source>审核(&amp;R)</source>
        <translation>&amp;Review</translation>
    </message>
    <message>
        <location filename="../window.py" line="103" />
        <source>运行审核</source>
        <translation>Run audit</translation>
    </message>
    <message>
        <location filename="../window.py" line="104" />
        <source>下一条疑点</source>
        <translation>Next finding</translation>
    </message>
    <message>
        <location filename="../window.py" line="105" />
        <source>上一条疑点</source>
        <translation>Previous finding</translation>
    </message>
    <message>
        <location filename="../window.py" line="106" />
        <source>确认违规</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <location filename="../window.py" line="107" />
        <source>不予认定</source>
        <translation>Dismissed</translation>
    </message>
    <message>
        <location filename="../window.py" line="108" />
        <source>待补充材料</source>
        <translation>Needs information</translation>
    </message>
    <message>
        <location filename="../window.py" line="109" />
        <source>页面(&amp;V)</source>
        <translation>&amp;Pages</translation>
    </message>
    <message>
        <location filename="../window.py" line="113" />
        <source>语言(&amp;L)</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <location filename="../window.py" line="136" />
        <source>未打开工作区</source>
        <translation>no workspace</translation>
    </message>
    <message>
        <location filename="../window.py" line="137" />
        <source>医保审核工作台 — {0}</source>
        <translation>Medical insurance audit workbench — {0}</translation>
    </message>
    <message>
        <location filename="../window.py" line="122" />
        <source>⚠ 插件未加载：{0}</source>
        <translation>⚠ Plug-in not loaded: {0}</translation>
    </message>
</context>
<context>
    <name>PluginsPage</name>
    <message>
        <source>重新加载插件</source>
        <translation>Reload plug-ins</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="25" />
        <source>插件</source>
        <translation>Plug-ins</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="30" />
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="30" />
        <source>版本</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="30" />
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="30" />
        <source>贡献</source>
        <translation>Contributes</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="30" />
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="35" />
        <source>安装插件文件夹…</source>
        <translation>Install plug-in folder…</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="36" />
        <source>安装插件文件…</source>
        <translation>Install plug-in file…</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="51" />
        <source>插件文件夹：</source>
        <translation>Plug-in folders: </translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="68" />
        <source>已安装到 {0}</source>
        <translation>Installed to {0}</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="74" />
        <source>选择插件文件夹</source>
        <translation>Choose a plug-in folder</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="80" />
        <source>选择插件</source>
        <translation>Choose a plug-in</translation>
    </message>
    <message>
        <location filename="../pages/plugins_page.py" line="80" />
        <source>插件 (*.py *.whl *.zip)</source>
        <translation>Plug-ins (*.py *.whl *.zip)</translation>
    </message>
</context>
<context>
    <name>ProgressRow</name>
    <message>
        <location filename="../widgets.py" line="70" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="81" />
        <source>处理中…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="112" />
        <source>排队等待其他任务结束…</source>
        <translation>Waiting for another job to end…</translation>
    </message>
</context>
<context>
    <name>ReportsPage</name>
    <message>
        <location filename="../pages/reports.py" line="29" />
        <source>报告与日志</source>
        <translation>Reports &amp; log</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="32" />
        <source>导出 Excel…</source>
        <translation>Export Excel…</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="33" />
        <source>导出 PDF 告知书…</source>
        <translation>Export PDF notice…</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="43" />
        <source>操作日志</source>
        <translation>Log</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="44" />
        <source>校验日志</source>
        <translation>Verify log</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="49" />
        <source>序号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="49" />
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="49" />
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="49" />
        <source>内容</source>
        <translation>Detail</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="49" />
        <source>哈希</source>
        <translation>Hash</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="64" />
        <source>全部机构</source>
        <translation>All institutions</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="72" />
        <source>导出报告</source>
        <translation>Export report</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="82" />
        <source>请先打开工作区。</source>
        <translation>Open a workspace first.</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="93" />
        <source>已导出 {0}</source>
        <translation>Exported {0}</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="105" />
        <source>日志完整：{0} 条记录，哈希链未被改动。</source>
        <translation>Log intact: {0} entries, the hash chain is unbroken.</translation>
    </message>
    <message>
        <location filename="../pages/reports.py" line="109" />
        <source>日志被改动：第 {0} 条（{1}）</source>
        <translation>Log altered at entry {0} ({1})</translation>
    </message>
</context>
<context>
    <name>RulesPage</name>
    <message>
        <location filename="../pages/rules.py" line="32" />
        <source>规则集</source>
        <translation>Rule sets</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="33" />
        <source>勾选的规则集参与审核。参数的覆盖值只保存在当前工作区。</source>
        <translation>Checked rule sets take part in audits. Parameter overrides are saved in this workspace only.</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="36" />
        <source>规则集 / 规则</source>
        <translation>Rule set / rule</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="36" />
        <source>编码</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="36" />
        <source>版本</source>
        <translation>Version</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="41" />
        <source>选择一条规则，查看其条件、参数和政策依据。</source>
        <translation>Select a rule to see its condition, parameters and policy basis.</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="44" />
        <source>规则参数</source>
        <translation>Rule parameters</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="47" />
        <source>参数</source>
        <translation>Parameters</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="47" />
        <source>全国/插件值</source>
        <translation>National/plug-in value</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="47" />
        <source>本工作区覆盖值</source>
        <translation>Override in this workspace</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="52" />
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="111" />
        <source>条件：</source>
        <translation>Condition:</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="113" />
        <source>政策依据：</source>
        <translation>Policy basis: </translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="137" />
        <source>请先打开工作区。</source>
        <translation>Open a workspace first.</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="142" />
        <source>参数值不是数字或 JSON：{0}</source>
        <translation>A parameter value is not a number or JSON: {0}</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="147" />
        <source>已保存。</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="49" />
        <source>说明</source>
        <translation>Meaning</translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="127" />
        <source>严重程度：</source>
        <translation>Severity: </translation>
    </message>
    <message>
        <location filename="../pages/rules.py" line="129" />
        <source>对象：</source>
        <translation>Scope: </translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../pages/settings.py" line="23" />
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../pages/settings.py" line="32" />
        <source>审核人</source>
        <translation>Reviewer</translation>
    </message>
    <message>
        <location filename="../pages/settings.py" line="33" />
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <location filename="../pages/settings.py" line="34" />
        <source>插件文件夹</source>
        <translation>Plug-in folder</translation>
    </message>
    <message>
        <location filename="../pages/settings.py" line="36" />
        <source>保存设置</source>
        <translation>Save settings</translation>
    </message>
    <message>
        <location filename="../pages/settings.py" line="49" />
        <source>已保存。</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <location filename="../pages/settings.py" line="47" />
        <source>告知书（当前工作区）</source>
        <translation>Notice (this workspace)</translation>
    </message>
    <message>
        <location filename="../pages/settings.py" line="55" />
        <source>例如：某市医疗保障局</source>
        <translation>e.g. City Healthcare Security Bureau</translation>
    </message>
    <message>
        <location filename="../pages/settings.py" line="56" />
        <source>例如：某医保稽〔2025〕1号</source>
        <translation>e.g. HSB Audit [2025] No. 1</translation>
    </message>
</context>
<context>
    <name>SettlementPage</name>
    <message>
        <location filename="../pages/settlement.py" line="54" />
        <source>DIP 结算</source>
        <translation>DIP settlement</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="57" />
        <source>官方目录（默认）</source>
        <translation>Official catalogue (default)</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="58" />
        <source>历史数据生成目录</source>
        <translation>Catalogue built from history</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="59" />
        <source>结算</source>
        <translation>Settle</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="66" />
        <source>尚未结算。</source>
        <translation>Not settled yet.</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="72" />
        <source>机构</source>
        <translation>Institution</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="73" />
        <source>病例数</source>
        <translation>Cases</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="74" />
        <source>总分值</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="75" />
        <source>应支付</source>
        <translation>Payment</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="76" />
        <source>确认扣款</source>
        <translation>Deductions</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="77" />
        <source>已支付</source>
        <translation>Fund paid</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="78" />
        <source>差额</source>
        <translation>Balance</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="79" />
        <source>清算支付</source>
        <translation>Final payment</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="85" />
        <source>结算ID</source>
        <translation>Claim</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="86" />
        <source>病种组</source>
        <translation>Group</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="87" />
        <source>病例类型</source>
        <translation>Case type</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="88" />
        <source>支付方式</source>
        <translation>Payment method</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="89" />
        <source>费用倍率</source>
        <translation>Cost ratio</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="90" />
        <source>分值</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="98" />
        <source>选择一个病例，显示入组与计分的每一步。</source>
        <translation>Select a case to see each step of its grouping and scoring.</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="103" />
        <source>机构与病例</source>
        <translation>Institutions and cases</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="106" />
        <source>机构总分值</source>
        <translation>Points by institution</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="107" />
        <source>机构应支付（元）</source>
        <translation>Payment by institution (yuan)</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="108" />
        <source>病例类型构成</source>
        <translation>Case-type mix</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="109" />
        <source>费用倍率分布</source>
        <translation>Cost-ratio distribution</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="114" />
        <source>图表</source>
        <translation>Charts</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="117" />
        <source>参数</source>
        <translation>Parameters</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="132" />
        <location filename="../pages/settlement.py" line="169" />
        <source>请先打开工作区。</source>
        <translation>Open a workspace first.</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="147" />
        <source>尚未结算：点击“结算”计算本年度的分值与支付。</source>
        <translation>Not settled yet: click Settle to compute the year's points and payments.</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="201" />
        <source>{year} 年度，点值 {pv}，基金支付比例 {phi}，总分值 {tp:,.4f}（{cat}目录）</source>
        <translation>Year {year}: point value {pv}, fund ratio {phi}, total points {tp:,.4f} ({cat} catalogue)</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="207" />
        <source>官方</source>
        <translation>official</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="207" />
        <source>生成</source>
        <translation>built</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="88" />
        <source>床日付费</source>
        <translation>Bed-day payment</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="89" />
        <source>按病种付费</source>
        <translation>By-disease payment</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="90" />
        <source>按项目付费</source>
        <translation>Fee-for-service payment</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="91" />
        <source>按人头付费</source>
        <translation>Capitation payment</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="92" />
        <source>非DIP扣款</source>
        <translation>Non-DIP deductions</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="93" />
        <source>合计支付</source>
        <translation>Total payment</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="94" />
        <source>年终清算</source>
        <translation>Year-end clearing</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="3" />
        <source>特例单议</source>
        <translation>Special cases</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="149" />
        <source>结算后显示本年度的特例病例与批准上限。</source>
        <translation>After settling, the year's special cases and the approval cap are shown here.</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="167" />
        <source>理由（必填，记入日志）</source>
        <translation>Reason (required, logged)</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="168" />
        <source>批准（按实际费用计分）</source>
        <translation>Approve (score on the actual cost)</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="169" />
        <source>撤销批准</source>
        <translation>Revoke the approval</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="204" />
        <source>{year} 年度特例单议：已批准 {used} 例，上限 {cap} 例（{share} × {n} 例 DIP 病例，向下取整，至少 1 例）</source>
        <translation>Special cases of {year}: {used} approved, at most {cap} ({share} × {n} DIP cases, rounded down, at least 1)</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="229" />
        <source>请先选择一个特例病例。</source>
        <translation>Select a special case first.</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="339" />
        <source>{year} 年度，点值 {pv}，基金支付比例 {phi}，总分值 {tp}（{cat}）</source>
        <translation>{year}: point value {pv}, fund payment ratio {phi}, total points {tp} ({cat})</translation>
    </message>
    <message>
        <location filename="../pages/settlement.py" line="402" />
        <source>{method}，{case}，病种组 {group}，{points} 分</source>
        <translation>{method}, {case}, group {group}, {points} points</translation>
    </message>
</context>
<context>
    <name>WorkspacePage</name>
    <message>
        <source>新建加密工作区</source>
        <translation>New encrypted workspace</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="35" />
        <source>工作区</source>
        <translation>Workspace</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="39" />
        <source>一个工作区是一个审核案卷（一个 SQLite 文件），保存导入的结算数据、审核结果、审核结论和 DIP 结算。把数据包文件夹拖到此页即可导入。</source>
        <translation>A workspace is one audit case (one SQLite file): the imported claims, audit results, review decisions and DIP settlements. Drop a data package folder on this page to import it.</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="45" />
        <source>打开工作区…</source>
        <translation>Open workspace…</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="46" />
        <source>新建工作区…</source>
        <translation>New workspace…</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="47" />
        <source>打开演示区域</source>
        <translation>Open the demo region</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="56" />
        <source>最近打开：</source>
        <translation>Recent:</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="71" />
        <source>尚未打开工作区。</source>
        <translation>No workspace open.</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="74" />
        <source>当前：{0}</source>
        <translation>Open: {0}</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="85" />
        <source>当前：{path}
结算 {claims:,} 条，明细 {lines:,} 条，疑点 {findings:,} 条，批次 {runs}</source>
        <translation>Open: {path}
{claims:,} claims, {lines:,} lines, {findings:,} findings, {runs} runs</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="93" />
        <source>无法打开工作区</source>
        <translation>Cannot open the workspace</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="97" />
        <source>打开工作区</source>
        <translation>Open workspace</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="97" />
        <source>工作区 (*.yibao);;所有文件 (*)</source>
        <translation>Workspaces (*.yibao);;All files (*)</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="104" />
        <source>新建工作区</source>
        <translation>New workspace</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="104" />
        <source>工作区 (*.yibao)</source>
        <translation>Workspaces (*.yibao)</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="118" />
        <source>演示区域</source>
        <translation>Demo region</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="63" />
        <source>导出假名化密钥…</source>
        <translation>Export pseudonym key…</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="64" />
        <source>导入假名化密钥…</source>
        <translation>Import pseudonym key…</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="108" />
        <source>当前：{path}
结算 {claims:,} 条，明细 {lines:,} 条，最近一次审核疑点 {findings:,} 条，批次 {runs}</source>
        <translation>Current: {path}
{claims:,} claims, {lines:,} lines, {findings:,} findings in the latest audit, {runs} runs</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="114" />
        <source>人员编号已假名化，密钥在本机。</source>
        <translation>Patient ids are pseudonymised; the key is on this computer.</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="116" />
        <source>人员编号已假名化，但本机没有密钥：导入前请先导入密钥。</source>
        <translation>Patient ids are pseudonymised but this computer has no key: import the key before importing data.</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="122" />
        <source>密钥已导出</source>
        <translation>Key exported</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="126" />
        <source>密钥已导入</source>
        <translation>Key imported</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="130" />
        <source>请先打开或新建工作区。</source>
        <translation>Open or create a workspace first.</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="142" />
        <source>导出假名化密钥</source>
        <translation>Export pseudonym key</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="142" />
        <source>密钥 (*.key)</source>
        <translation>Key (*.key)</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="145" />
        <location filename="../pages/workspace.py" line="152" />
        <source>假名化密钥</source>
        <translation>Pseudonym key</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="149" />
        <source>导入假名化密钥</source>
        <translation>Import pseudonym key</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="149" />
        <source>密钥 (*.key);;所有文件 (*)</source>
        <translation>Key (*.key);;All files (*)</translation>
    </message>
    <message>
        <location filename="../pages/workspace.py" line="185" />
        <source>生成演示区域</source>
        <translation>Building the demo region</translation>
    </message>
</context>
<context>
    <name>DoctorsPage</name>
    <message>
        <source>医师记分</source>
        <translation>Doctors' points</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>医师代码</source>
        <translation>Doctor ID</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>机构</source>
        <translation>Institution</translation>
    </message>
    <message>
        <source>科室</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>记分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>暂停月数</source>
        <translation>Months suspended</translation>
    </message>
    <message>
        <source>疑点数</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>确认违规</source>
        <translation>Confirmed</translation>
    </message>
    <message>
        <source>确认扣款</source>
        <translation>Confirmed deductions</translation>
    </message>
    <message>
        <source>认定时间</source>
        <translation>Decided at</translation>
    </message>
    <message>
        <source>结算ID</source>
        <translation>Claim ID</translation>
    </message>
    <message>
        <source>规则编码</source>
        <translation>Rule code</translation>
    </message>
    <message>
        <source>规则名称</source>
        <translation>Rule</translation>
    </message>
    <message>
        <source>疑点ID</source>
        <translation>Finding ID</translation>
    </message>
    <message>
        <source>在疑点审核中查看</source>
        <translation>Show in review</translation>
    </message>
    <message>
        <source>生成记分告知书…</source>
        <translation>Write the notice of points…</translation>
    </message>
    <message>
        <source>医师</source>
        <translation>Doctors</translation>
    </message>
    <message>
        <source>医师数</source>
        <translation>Doctors</translation>
    </message>
    <message>
        <source>科室汇总</source>
        <translation>Departments</translation>
    </message>
    <message>
        <source>请先打开工作区。</source>
        <translation>Open a workspace first.</translation>
    </message>
    <message>
        <source>{0} 年度</source>
        <translation>{0}</translation>
    </message>
    <message>
        <source>全部机构</source>
        <translation>All institutions</translation>
    </message>
    <message>
        <source>全部科室</source>
        <translation>All departments</translation>
    </message>
    <message>
        <source>{0} 年度：{1} 名医师；约谈提醒 {2} 分，暂停 {3} 分，终止 {4} 分。</source>
        <translation>{0}: {1} doctors; warning at {2} points, suspension at {3}, termination at {4}.</translation>
    </message>
    <message>
        <source>选择一名医师，查看其记分事项。</source>
        <translation>Select a doctor to see their scoring events.</translation>
    </message>
    <message>
        <source>保存记分告知书</source>
        <translation>Save the notice of points</translation>
    </message>
    <message>
        <source>已生成 {0}</source>
        <translation>Wrote {0}</translation>
    </message>
</context>
<context>
    <name>RuleEditor</name>
    <message>
        <source>规则集文件名：</source>
        <translation>Rule set file:</translation>
    </message>
    <message>
        <source>编写与试算规则</source>
        <translation>Write and try rules</translation>
    </message>
    <message>
        <source>在此编写规则集（YAML），校验结果随输入更新；试算在当前工作区运行而不保存批次。保存后规则集随工作区参与审核，也可导出到插件的规则文件夹。</source>
        <translation>Write a rule set (YAML) here; it is checked as you type. A trial runs it on the open workspace without storing a run. Saved, the rule set takes part in this workspace's audits; it can also be exported to a plug-in's rules folder.</translation>
    </message>
    <message>
        <source>试算</source>
        <translation>Try</translation>
    </message>
    <message>
        <source>保存到工作区</source>
        <translation>Save to workspace</translation>
    </message>
    <message>
        <source>导出到插件文件夹…</source>
        <translation>Export to a plug-in folder…</translation>
    </message>
    <message>
        <source>编码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>结算/机构</source>
        <translation>Claim / institution</translation>
    </message>
    <message>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>✗ {0}</source>
        <translation>✗ {0}</translation>
    </message>
    <message>
        <source>✓ 规则集 {0}，{1} 条规则</source>
        <translation>✓ rule set {0}, {1} rules</translation>
    </message>
    <message>
        <source>请先打开工作区。</source>
        <translation>Open a workspace first.</translation>
    </message>
    <message>
        <source>试算：{0} 个疑点，涉及金额 {1:,.2f} 元（未保存）</source>
        <translation>Trial: {0} findings, {1:,.2f} yuan at stake (not stored)</translation>
    </message>
    <message>
        <source>已保存到工作区：{0}</source>
        <translation>Saved in the workspace: {0}</translation>
    </message>
    <message>
        <source>插件的规则文件夹</source>
        <translation>The plug-in's rules folder</translation>
    </message>
    <message>
        <source>已导出：{0}</source>
        <translation>Exported: {0}</translation>
    </message>
</context>
<context>
    <name>RankingPage</name>
    <message>
        <source>异常排名</source>
        <translation>Anomaly ranking</translation>
    </message>
    <message>
        <source>名次</source>
        <translation>Rank</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>机构</source>
        <translation>Institution</translation>
    </message>
    <message>
        <source>综合得分</source>
        <translation>Composite score</translation>
    </message>
    <message>
        <source>超阈值项</source>
        <translation>Above threshold</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>病种/级别</source>
        <translation>Group / level</translation>
    </message>
    <message>
        <source>数值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>同组中位数</source>
        <translation>Peers' median</translation>
    </message>
    <message>
        <source>阈值</source>
        <translation>Threshold</translation>
    </message>
    <message>
        <source>稳健得分</source>
        <translation>Robust score</translation>
    </message>
    <message>
        <source>例数</source>
        <translation>Cases</translation>
    </message>
    <message>
        <source>比较对象数</source>
        <translation>Peers</translation>
    </message>
    <message>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>结算ID</source>
        <translation>Claim ID</translation>
    </message>
    <message>
        <source>医师</source>
        <translation>Doctor</translation>
    </message>
    <message>
        <source>科室</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>入院</source>
        <translation>Admitted</translation>
    </message>
    <message>
        <source>出院</source>
        <translation>Discharged</translation>
    </message>
    <message>
        <source>住院日</source>
        <translation>LOS</translation>
    </message>
    <message>
        <source>费用</source>
        <translation>Cost</translation>
    </message>
    <message>
        <source>统筹支付</source>
        <translation>Fund paid</translation>
    </message>
    <message>
        <source>病种</source>
        <translation>DIP group</translation>
    </message>
    <message>
        <source>综合异常得分（前 20）</source>
        <translation>Composite anomaly score (top 20)</translation>
    </message>
    <message>
        <source>请先打开工作区。</source>
        <translation>Open a workspace first.</translation>
    </message>
    <message>
        <source>审核批次 {0}：{1} 个对象有同组比较得分，按正向稳健得分之和排序。</source>
        <translation>Audit run {0}: {1} subjects have peer scores, ranked by the sum of their positive robust scores.</translation>
    </message>
</context>
<context>
    <name>AppraisalPage</name>
    <message>
        <source>定点机构考核</source>
        <translation>Institution appraisal</translation>
    </message>
    <message>
        <source>计算考核得分</source>
        <translation>Compute the appraisal</translation>
    </message>
    <message>
        <source>写入下一年度考核系数</source>
        <translation>Write next year's coefficients</translation>
    </message>
    <message>
        <source>写入 {0} 年度考核系数</source>
        <translation>Write the {0} coefficients</translation>
    </message>
    <message>
        <source>写入考核系数</source>
        <translation>Write coefficients</translation>
    </message>
    <message>
        <source>选择年度后计算；计算不写入任何数据。</source>
        <translation>Choose a year and compute; computing writes nothing.</translation>
    </message>
    <message>
        <source>考核得分</source>
        <translation>Appraisal score</translation>
    </message>
    <message>
        <source>机构</source>
        <translation>Institution</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>考核系数</source>
        <translation>Coefficient</translation>
    </message>
    <message>
        <source>{0} 年度</source>
        <translation>{0}</translation>
    </message>
    <message>
        <source>考核</source>
        <translation>Appraisal</translation>
    </message>
    <message>
        <source>请先打开有结算数据的工作区。</source>
        <translation>Open a workspace with claims first.</translation>
    </message>
    <message>
        <source>{0} 年度考核：{1} 家机构；数据质量取自审核批次 {2}。</source>
        <translation>Appraisal {0}: {1} institutions; data quality from audit run {2}.</translation>
    </message>
    <message>
        <source>已写入 {0} 年度 DIP 参数的考核系数（{1} 家机构），并记入日志。</source>
        <translation>Appraisal coefficients written into the {0} DIP parameters ({1} institutions) and logged.</translation>
    </message>
    <message>
        <source>该年度参数复制自 {0} 年度。</source>
        <translation> That year's parameters were copied from {0}.</translation>
    </message>
</context>
<context>
    <name>FundMonitorPage</name>
    <message>
        <source>基金监测</source>
        <translation>Fund monitor</translation>
    </message>
    <message>
        <source>计算</source>
        <translation>Compute</translation>
    </message>
    <message>
        <source>{0} 年度</source>
        <translation>{0}</translation>
    </message>
    <message>
        <source>{0} 年</source>
        <translation>{0}</translation>
    </message>
    <message>
        <source>月度统筹基金支出（元）</source>
        <translation>Monthly fund expenditure (yuan)</translation>
    </message>
    <message>
        <source>按就诊类型（元）</source>
        <translation>By visit type (yuan)</translation>
    </message>
    <message>
        <source>DIP 累计分值</source>
        <translation>DIP points, cumulative</translation>
    </message>
    <message>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>统筹支出</source>
        <translation>Fund paid</translation>
    </message>
    <message>
        <source>结算人次</source>
        <translation>Claims</translation>
    </message>
    <message>
        <source>人数</source>
        <translation>Patients</translation>
    </message>
    <message>
        <source>次均统筹</source>
        <translation>Fund per claim</translation>
    </message>
    <message>
        <source>上年同月</source>
        <translation>Same month last year</translation>
    </message>
    <message>
        <source>同比</source>
        <translation>Year on year</translation>
    </message>
    <message>
        <source>请先打开有结算数据的工作区。</source>
        <translation>Open a workspace with claims first.</translation>
    </message>
    <message>
        <source>截至 {0} 月累计统筹支出 {1:,.2f} 元，上年同期 {2:,.2f} 元，同比 {3}。</source>
        <translation>Fund paid to month {0}: {1:,.2f} yuan, same period last year {2:,.2f} yuan, {3} year on year.</translation>
    </message>
    <message>
        <source>预警：基金支出同比增长超过 {0:.0%}</source>
        <translation>Warning: fund expenditure up more than {0:.0%} on last year</translation>
    </message>
    <message>
        <source>预警：{0}支出同比增长超过 {1:.0%}</source>
        <translation>Warning: {0} expenditure up more than {1:.0%} on last year</translation>
    </message>
    <message>
        <source>预警：预算点值低于上年结算点值的 {0:.0%}</source>
        <translation>Warning: the forecast point value is below {0:.0%} of last year's</translation>
    </message>
    <message>
        <source>DIP 预算执行：截至 {0} 月累计分值 {1:,.1f}，预测全年分值 {2:,.1f}；预算点值 {3}，上年结算点值 {4}（{5}）。</source>
        <translation>DIP budget: {1:,.1f} points to month {0}, {2:,.1f} forecast for the year; forecast point value {3}, last year's {4} ({5}).</translation>
    </message>
    <message>
        <source>DIP 预算执行：{0}</source>
        <translation>DIP budget: {0}</translation>
    </message>
</context>
<context>
    <name>LineChart</name>
    <message>
        <source>（无数据）</source>
        <translation>(no data)</translation>
    </message>
</context>
<context>
    <name>StackedColumns</name>
    <message>
        <source>（无数据）</source>
        <translation>(no data)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>异常排名</source>
        <translation>Anomaly ranking</translation>
    </message>
    <message>
        <source>考核</source>
        <translation>Appraisal</translation>
    </message>
    <message>
        <source>基金监测</source>
        <translation>Fund monitor</translation>
    </message>
</context>
<context>
    <name>Context</name>
    <message>
        <source>再输入一次：</source>
        <translation>Enter it again:</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The two passwords differ</translation>
    </message>
    <message>
        <location filename="../context.py" line="84" />
        <source>新工作区的密码：</source>
        <translation>Password for the new workspace:</translation>
    </message>
    <message>
        <location filename="../context.py" line="84" />
        <source>工作区已加密，请输入密码：</source>
        <translation>The workspace is encrypted; enter its password:</translation>
    </message>
    <message>
        <location filename="../context.py" line="86" />
        <source>工作区密码</source>
        <translation>Workspace password</translation>
    </message>
</context>
<context>
    <name>ParamsForm</name>
    <message>
        <location filename="../widgets.py" line="234" />
        <source>未设置</source>
        <translation>not set</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="240" />
        <source>（无）</source>
        <translation>(none)</translation>
    </message>
</context>
<context>
    <name>QueueButton</name>
    <message>
        <location filename="../widgets.py" line="181" />
        <source>运行中</source>
        <translation>running</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="181" />
        <source>排队中</source>
        <translation>waiting</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="182" />
        <source>取消：{0}（{1}）</source>
        <translation>Cancel: {0} ({1})</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="185" />
        <source>无后台任务</source>
        <translation>No background jobs</translation>
    </message>
    <message>
        <location filename="../widgets.py" line="187" />
        <source>后台任务 {0} 个</source>
        <translation>{0} background job(s)</translation>
    </message>
</context>
<context>
    <name>_Chart</name>
    <message>
        <location filename="../charts.py" line="45" />
        <source>（无数据）</source>
        <translation>(no data)</translation>
    </message>
</context>
</TS>
