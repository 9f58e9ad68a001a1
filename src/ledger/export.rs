//! The ledger's lists as files officials open: CSV (UTF-8 with BOM, Chinese headers), XLSX (one sheet
//! per list: 问题隐患清单, 整改清单, 审计记录) and GeoJSON (one Point per problem, drawn at the feature).

use std::io::{self, Write};

use serde_json::json;

use super::store::{AuditEntry, Problem};
use super::workflow::Status;

/// Problem list columns (问题隐患清单).
pub const PROBLEM_HEADERS: [&str; 14] = [
    "编号",
    "学校编号",
    "学校名称",
    "乡镇",
    "类型",
    "场所/水体编号",
    "场所/水体名称",
    "类别",
    "规则",
    "距离(米)",
    "首次发现",
    "最近发现",
    "状态",
    "本次扫描未发现",
];
/// Rectification list columns (整改清单).
pub const RECTIFICATION_HEADERS: [&str; 11] = [
    "编号",
    "学校名称",
    "乡镇",
    "场所/水体名称",
    "责任单位",
    "整改措施",
    "整改期限",
    "状态",
    "挂牌督办",
    "逾期",
    "异议理由",
];
/// Audit columns (审计记录).
pub const AUDIT_HEADERS: [&str; 8] = [
    "问题编号",
    "时间",
    "操作人",
    "字段",
    "原值",
    "新值",
    "备注",
    "序号",
];

fn status_zh(p: &Problem) -> &'static str {
    p.status
        .parse::<Status>()
        .map(Status::label_zh)
        .unwrap_or("?")
}

fn yes(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

fn problem_cells(p: &Problem) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.school_id.clone(),
        p.school_name.clone(),
        p.township.clone().unwrap_or_default(),
        if p.feature_type == "water" {
            "水体"
        } else {
            "场所"
        }
        .to_string(),
        p.feature_id.clone(),
        p.feature_name.clone(),
        p.category.clone(),
        p.rule_id.clone(),
        format!("{:.2}", p.distance_m),
        p.first_seen.clone(),
        p.last_seen.clone(),
        status_zh(p).to_string(),
        yes(p.gone).to_string(),
    ]
}

fn rectification_cells(p: &Problem) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.school_name.clone(),
        p.township.clone().unwrap_or_default(),
        p.feature_name.clone(),
        p.unit.clone().unwrap_or_default(),
        p.measure.clone().unwrap_or_default(),
        p.deadline.clone().unwrap_or_default(),
        status_zh(p).to_string(),
        yes(p.supervised).to_string(),
        yes(p.overdue).to_string(),
        p.dispute_reason.clone().unwrap_or_default(),
    ]
}

/// The rectification list: problems with a responsible unit assigned.
pub fn rectifications(problems: &[Problem]) -> impl Iterator<Item = &Problem> {
    problems.iter().filter(|p| p.unit.is_some())
}

/// The problem list as CSV (UTF-8 with BOM so that Excel shows Chinese), with the rectification columns
/// appended.
pub fn write_csv(mut w: impl Write, problems: &[Problem]) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut c = csv::Writer::from_writer(w);
    let headers: Vec<&str> = PROBLEM_HEADERS
        .iter()
        .chain(RECTIFICATION_HEADERS[4..].iter())
        .copied()
        .collect();
    c.write_record(&headers)?;
    for p in problems {
        let mut row = problem_cells(p);
        row.extend(rectification_cells(p).into_iter().skip(4));
        c.write_record(&row)?;
    }
    c.flush()
}

/// The problems as a GeoJSON FeatureCollection of Points with every field as a property.
pub fn geojson(problems: &[Problem]) -> serde_json::Value {
    let features: Vec<serde_json::Value> = problems
        .iter()
        .map(|p| {
            let mut props = serde_json::to_value(p).unwrap_or_else(|_| json!({}));
            if let Some(o) = props.as_object_mut() {
                o.remove("lon");
                o.remove("lat");
            }
            json!({
                "type": "Feature",
                "id": p.id,
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": props,
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// An XLSX workbook with three sheets: 问题隐患清单 (every problem), 整改清单 (problems with a
/// responsible unit) and 审计记录 (the audit trail).
pub fn xlsx(
    problems: &[Problem],
    audit: &[AuditEntry],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = |wb: &mut Workbook, name: &str, headers: &[&str], rows: Vec<Vec<String>>| {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
        Ok::<(), rust_xlsxwriter::XlsxError>(())
    };
    sheet(
        &mut wb,
        "问题隐患清单",
        &PROBLEM_HEADERS,
        problems.iter().map(problem_cells).collect(),
    )?;
    sheet(
        &mut wb,
        "整改清单",
        &RECTIFICATION_HEADERS,
        rectifications(problems).map(rectification_cells).collect(),
    )?;
    sheet(
        &mut wb,
        "审计记录",
        &AUDIT_HEADERS,
        audit
            .iter()
            .map(|a| {
                vec![
                    a.problem_id.to_string(),
                    a.at.clone(),
                    a.actor.clone(),
                    a.field.clone(),
                    a.from.clone().unwrap_or_default(),
                    a.to.clone().unwrap_or_default(),
                    a.note.clone().unwrap_or_default(),
                    a.id.to_string(),
                ]
            })
            .collect(),
    )?;
    wb.save_to_buffer()
}
