"""Words for the auditor report: Korean labels beside the English, reasons in words.

Why here and not in each section: the sections write English labels (the
code's language); the report's readers are Korean auditors. ``html.table``
looks every column head up in ``GLOSSARY`` and shows Korean first with the
English beside, and ``reason_words`` turns a quarantine reason id
(``expect_column_values_to_not_be_null:rcpt_dtm``) into a sentence, so
nobody has to know Great Expectations to read why a record was held back.
An unknown term or reason is shown as it is: nothing is hidden.
"""

from __future__ import annotations

#: English column head or label -> Korean.
GLOSSARY = {
    "day": "일자", "system": "시스템", "batches": "배치 수", "failed": "실패", "rows in": "수신 건수",
    "loaded": "적재", "quarantined": "격리", "warnings": "경고", "warned": "경고", "file / table": "파일 / 테이블",
    "batch": "배치", "error": "오류", "reason": "사유", "records": "건수", "reason id": "사유 코드",
    "area": "분야", "scenario": "시나리오", "title": "제목", "found": "발견", "open": "미처리",
    "checked": "확인", "actioned": "조치", "excluded": "제외", "resolved": "해소", "action rate": "조치율",
    "exclusion rate": "제외율", "estimated (KRW)": "추정액 (원)", "collected (KRW)": "징수액 (원)",
    "days": "일수", "rows loaded (audit)": "적재 건수 (감사 기록)", "rows staged": "스테이징 건수",
    "batches in core": "코어 반영 배치", "days disagreeing": "불일치 일수", "amount staged (KRW)": "스테이징 금액 (원)",
    "rows loaded": "적재 건수", "entity": "대상", "unknown reference": "알 수 없는 참조", "status": "상태",
    "contracts": "계약 수", "paid (KRW)": "지급액 (원)", "contracted (KRW)": "계약액 (원)",
    "overpaid contract": "초과 지급 계약", "department": "부서", "contracted": "계약액", "paid": "지급액",
    "excess": "초과액", "duty": "세외수입", "rests on": "근거", "duties": "부과 건수", "imposed (KRW)": "부과액 (원)",
    "check": "점검", "payroll rows": "급여 건수", "gross (KRW)": "총지급액 (원)", "total": "합계",
    "suite": "검증 묶음", "expectation": "검증 규칙", "column": "컬럼", "runs": "실행 수", "success": "성공",
    "unexpected": "위반 건수", "last run": "최근 실행", "checks": "검증 항목 수",
}

#: Section module name -> Korean title (shown before the section's English title).
SECTION_TITLES = {
    "ingest": "수집: 받은 것, 적재된 것, 격리된 것",
    "reconcile": "대사: 시스템 간 정합성",
    "scenarios": "예방 감시: 시나리오 경보",
    "validation": "데이터 품질 검증 결과",
    "workbench": "경보 처리: 조치, 소명, 제외, 적중률",
}

#: Parser and loader reasons.
_REASONS = {
    "duplicate_key": ("같은 키의 레코드가 파일 안에 두 번 이상 있음", "the same key appears more than once in the file"),
    "missing_field": ("필수 항목이 비어 있음", "a required field is missing"),
    "parse_error": ("레코드를 읽을 수 없음 (JSON 객체가 아님)", "the record cannot be read (not a JSON object)"),
    "unknown_record_type": ("알 수 없는 레코드 유형", "unknown record type"),
    "wrong_field_count": ("항목 수가 인터페이스 정의와 다름", "field count differs from the interface definition"),
    "wrong_layout": ("레코드 배치가 인터페이스 정의와 다름", "record layout differs from the interface definition"),
    "wrong_length": ("고정 길이 레코드의 길이가 다름", "fixed-width record has the wrong length"),
    "unparseable_date": ("날짜를 해석할 수 없음", "a date cannot be parsed"),
    "unparseable_number": ("숫자를 해석할 수 없음", "a number cannot be parsed"),
    "line_too_long": ("한 줄이 허용 길이를 넘음", "a line exceeds the allowed length"),
}

#: Great Expectations expectation types (the part before ``:column``).
_EXPECTATIONS = {
    "expect_column_values_to_not_be_null": ("{col} 값이 비어 있음", "{col} is empty"),
    "expect_column_values_to_be_in_set": ("{col} 값이 허용된 코드가 아님", "{col} is not one of the allowed codes"),
    "expect_column_values_to_not_be_in_set": ("{col} 값이 허용되지 않는 값임", "{col} holds a forbidden value"),
    "expect_column_values_to_match_regex": ("{col} 값의 형식이 맞지 않음", "{col} does not have the expected format"),
    "expect_column_values_to_be_between": ("{col} 값이 허용 범위를 벗어남", "{col} is outside the allowed range"),
    "expect_column_values_to_be_valid_brn": ("{col} 값이 올바른 사업자등록번호가 아님",
                                             "{col} is not a valid business registration number"),
    "expect_column_values_to_be_unique": ("{col} 값이 중복됨", "{col} is not unique"),
}


def reason_words(reason: str) -> tuple[str, str]:
    """(Korean, English) sentence for a quarantine reason id; the id itself when unknown."""
    if reason in _REASONS:
        return _REASONS[reason]
    kind, _, column = reason.partition(":")
    if kind in _EXPECTATIONS:
        ko, en = _EXPECTATIONS[kind]
        col = column or "a column"
        return ko.format(col=column or "값"), en.format(col=col)
    return reason, reason


def ko(label: str) -> str | None:
    """The Korean of an English label, or None."""
    return GLOSSARY.get(label.strip().lower())
