// Every string the page shows, Chinese first, English second. `t(key, vars)` fills {name} placeholders.

const DICT = {
  zh: {
    title: '校园周边200米',
    subtitle: '学校周边禁设场所与溺水风险水域',
    lang_button: 'EN',
    loading: '正在加载…',
    load_failed: '加载失败：{message}',
    check_title: '选址检查',
    check_category: '拟开设',
    check_hint: '点击地图任意位置，检查能否在该处开设所选场所。',
    check_running: '正在检查…',
    check_failed: '检查失败：{message}',
    check_question: '可以在此开设{what}吗？',
    check_yes: '可以',
    check_no: '不可以',
    check_no_reason: '距以下学校在法定距离以内：',
    check_yes_reason: '法定距离内没有学校。',
    check_unregulated: '当前规则集未限制此类场所。',
    check_nearest: '最近的学校：{name}，{distance}',
    check_none_near: '5 公里内没有学校。',
    check_breach: '{name}（{kind}）{distance} ≤ {limit} m',
    check_clear: '清除',
    filters_title: '筛选',
    filter_category: '类别',
    filter_township: '乡镇',
    filter_rule: '规则',
    filter_all: '全部',
    search_title: '查找学校',
    search_placeholder: '输入学校名称',
    search_none: '没有匹配的学校',
    findings_title: '问题清单',
    findings_count: '共 {count} 条',
    findings_of_school: '{name}：{count} 条',
    findings_none: '没有问题',
    findings_more: '另有 {count} 条未列出（请缩小筛选或选择学校）',
    show_all: '显示全部学校',
    legal_basis: '法律依据',
    rule: '规则',
    method: '测量方法',
    approximate: '近似（学校仅有点位）',
    download_geojson: '下载 GeoJSON',
    download_csv: '下载 CSV',
    downloads_title: '导出当前清单',
    legend_title: '图例',
    legend_school: '学校（校界）',
    legend_school_point: '学校（仅点位，近似）',
    legend_zone: '200 米范围',
    legend_finding: '问题连线（测量距离）',
    legend_water: '水域',
    legend_water_risk: '溺水风险水域',
    legend_check: '选址检查连线',
    school_kind_label: '类型',
    township_label: '乡镇',
    posts_title: '护学岗',
    posts_toggle: '显示护学岗',
    posts_count: '{count} 个岗位',
    posts_hint: '点击岗位查看学校、校门和执勤时段。',
    posts_need_token: '护学岗部署属敏感信息：请在整改台账栏输入公安、分析员或管理员令牌后重试。',
    posts_officer: '责任民警：{officer}',
    posts_windows: '上学 {morning} · 放学 {afternoon}',
    posts_covers: '覆盖 {gates} 个校门，{weight} 名学生',
    posts_fixed: '固定岗',
    posts_no_gate: '学校位置（无校门）',
    posts_responsible: '责任学校（校门由其他岗位覆盖）',
    posts_kind_gate: '校门',
    posts_kind_boundary: '校界点',
    posts_kind_user: '警务室/指定点',
  },
  en: {
    title: 'School 200 m perimeter',
    subtitle: 'Venues barred near schools, and drowning-risk water',
    lang_button: '中文',
    loading: 'Loading…',
    load_failed: 'Loading failed: {message}',
    check_title: 'Site check',
    check_category: 'To open',
    check_hint: 'Click anywhere on the map to check whether the chosen kind of venue may open there.',
    check_running: 'Checking…',
    check_failed: 'Check failed: {message}',
    check_question: 'May {what} open here?',
    check_yes: 'Yes',
    check_no: 'No',
    check_no_reason: 'Within the legal distance of:',
    check_yes_reason: 'No school within the legal distance.',
    check_unregulated: 'The rule set does not restrict this kind of venue.',
    check_nearest: 'Nearest school: {name}, {distance}',
    check_none_near: 'No school within 5 km.',
    check_breach: '{name} ({kind}) {distance} ≤ {limit} m',
    check_clear: 'Clear',
    filters_title: 'Filters',
    filter_category: 'Category',
    filter_township: 'Township',
    filter_rule: 'Rule',
    filter_all: 'All',
    search_title: 'Find a school',
    search_placeholder: 'School name',
    search_none: 'No school matches',
    findings_title: 'Findings',
    findings_count: '{count} in all',
    findings_of_school: '{name}: {count}',
    findings_none: 'No findings',
    findings_more: '{count} more not listed (narrow the filters or pick a school)',
    show_all: 'All schools',
    legal_basis: 'Legal basis',
    rule: 'Rule',
    method: 'Method',
    approximate: 'approximate (school known only as a point)',
    download_geojson: 'Download GeoJSON',
    download_csv: 'Download CSV',
    downloads_title: 'Export the current list',
    legend_title: 'Legend',
    legend_school: 'School (campus)',
    legend_school_point: 'School (point only, approximate)',
    legend_zone: '200 m zone',
    legend_finding: 'Finding (measured line)',
    legend_water: 'Water',
    legend_water_risk: 'Drowning-risk water',
    legend_check: 'Site check line',
    school_kind_label: 'Kind',
    township_label: 'Township',
    posts_title: 'Guard posts',
    posts_toggle: 'Show guard posts',
    posts_count: '{count} posts',
    posts_hint: 'Click a post for its schools, gates and duty windows.',
    posts_need_token: 'Guard-post plans are sensitive: enter a police, analyst or admin token in the ledger panel and try again.',
    posts_officer: 'Officer: {officer}',
    posts_windows: 'Arrival {morning} · departure {afternoon}',
    posts_covers: 'Covers {gates} gates, {weight} pupils',
    posts_fixed: 'fixed post',
    posts_no_gate: 'school point (no gate)',
    posts_responsible: 'responsible for it (its gates covered by another post)',
    posts_kind_gate: 'at a gate',
    posts_kind_boundary: 'on the boundary',
    posts_kind_user: 'police box / given site',
  },
};

/** Venue categories and water kinds: label per language, colour on the map. */
export const CATEGORIES = {
  internet_cafe: { zh: '网吧', en: 'internet café', what_zh: '网吧', what_en: 'an internet café', colour: '#d7263d' },
  ktv: { zh: 'KTV（歌舞娱乐）', en: 'KTV', what_zh: 'KTV', what_en: 'a KTV', colour: '#8e44ad' },
  game_hall: { zh: '游戏厅（游艺娱乐）', en: 'game hall', what_zh: '游戏厅', what_en: 'a game hall', colour: '#e67e22' },
  lottery: { zh: '彩票', en: 'lottery outlet', what_zh: '彩票销售点', what_en: 'a lottery outlet', colour: '#c9a227' },
  tobacco: { zh: '烟草', en: 'tobacco', what_zh: '烟草零售点', what_en: 'a tobacco shop', colour: '#795548' },
  hazardous: { zh: '危险场所', en: 'hazardous site', what_zh: '危险场所（加油站、烟花爆竹、危化品）', what_en: 'a hazardous site', colour: '#111111' },
  bar: { zh: '酒吧', en: 'bar', what_zh: '酒吧', what_en: 'a bar', colour: '#e84393' },
  other: { zh: '其他', en: 'other', what_zh: '其他商铺', what_en: 'another shop', colour: '#9aa5b1' },
};

/** The categories offered by the site check, in menu order. */
export const CHECK_CATEGORIES = ['internet_cafe', 'ktv', 'game_hall', 'lottery', 'hazardous', 'tobacco', 'bar'];

export const WATER_KINDS = {
  river: { zh: '河流', en: 'river' },
  canal: { zh: '沟渠', en: 'canal' },
  pond: { zh: '坑塘', en: 'pond' },
  reservoir: { zh: '水库', en: 'reservoir' },
  lake: { zh: '湖泊', en: 'lake' },
  pit: { zh: '矿坑', en: 'pit' },
  other: { zh: '其他水域', en: 'other water' },
};

export const SCHOOL_KINDS = {
  kindergarten: { zh: '幼儿园', en: 'kindergarten' },
  primary: { zh: '小学', en: 'primary' },
  junior: { zh: '初中', en: 'junior secondary' },
  senior: { zh: '高中', en: 'senior secondary' },
  'nine-year': { zh: '九年一贯制', en: 'nine-year' },
  'complete-secondary': { zh: '完全中学', en: 'complete secondary' },
  vocational: { zh: '职业学校', en: 'vocational' },
  special: { zh: '特殊教育', en: 'special education' },
  other: { zh: '其他学校', en: 'other school' },
  'not-covered': { zh: '不适用', en: 'not covered' },
};

export const METHODS = {
  boundary: { zh: '校界直线', en: 'straight line from the campus boundary' },
  gate: { zh: '校门直线', en: 'straight line from a gate' },
  'boundary (no gates)': { zh: '校界直线（无校门数据）', en: 'boundary (no gates)' },
  'walking→gate': { zh: '步行距离，以校门直线为下限', en: 'walking, straight line from a gate as lower bound' },
  'walking→boundary': { zh: '步行距离，以校界直线为下限', en: 'walking, straight line from the boundary as lower bound' },
};

let lang = 'zh';

/** The current language, 'zh' or 'en'. */
export const currentLang = () => lang;

/** Sets the language ('zh' or 'en'; anything else means 'zh'). */
export function setLang(value) {
  lang = value === 'en' ? 'en' : 'zh';
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}

/** The string `key` in the current language with {name} placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = DICT[lang][key] ?? DICT.zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** A label from one of the tables above, falling back to the raw value. */
export function label(table, value) {
  return table[value]?.[lang] ?? String(value ?? '');
}

/** The label of a finding's category: a venue category or a water kind. */
export function categoryLabel(value) {
  return CATEGORIES[value] ? label(CATEGORIES, value) : label(WATER_KINDS, value);
}

/** "what" in the check question: 网吧 / an internet café. */
export function categoryWhat(value) {
  const c = CATEGORIES[value];
  return c ? c[`what_${lang}`] : value;
}

/** Every key of both languages (for the unit test). */
export const KEYS = { zh: Object.keys(DICT.zh), en: Object.keys(DICT.en) };
