"""The publication's catalogue: what each dataset is, who keeps it, when it changes.

Two forms of one description, written with every publication:

- ``catalogue.json``: the metadata sheet of Korea's public data portals
  (data.go.kr, data.seoul.go.kr "파일데이터" entries): 목록명 (name), 제공기관
  (provider), 관리부서 (department), 업데이트 주기 (update cycle), 차기 등록
  예정일 (next scheduled update), 이용허락범위 (licence), 전체 행 수 (rows),
  키워드 (keywords) and 컬럼 정보 (every column with its Korean and English
  description), so a portal operator can register the files as they are;
- ``catalogue.jsonld``: the same as a W3C DCAT catalogue in JSON-LD, so
  CKAN-style portals (ckanext-dcat) harvest it. Its ``@context`` is inline
  (a harvester offline still expands it) and names every term used.

Everything here describes the files; no published row is read.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

PROVIDER = {"ko": "서울특별시", "en": "Seoul Metropolitan Government"}
#: Department that keeps each dataset (관리부서).
DEPARTMENTS = {
    "open": {"ko": "민원총괄과", "en": "Civil Petitions Division"},
    "finance": {"ko": "재무과", "en": "Finance Division"},
    "control": {"ko": "감사담당관", "en": "Audit Office"},
}
LICENCE = {"ko": "CC BY 4.0 (출처표시)", "en": "Creative Commons Attribution 4.0",
           "url": "https://creativecommons.org/licenses/by/4.0/"}
UPDATE_CYCLE = {"ko": "일간 (파이프라인 실행마다)", "en": "daily (with every pipeline run)"}
FREQUENCY_DAILY = "http://purl.org/cc/freq/daily"

#: name -> (group, Korean title, English title, Korean description, keywords ko, keywords en)
DATASETS: dict[str, tuple[str, str, str, str, list[str], list[str]]] = {
    "open_procedures": ("open", "민원처리 공개 절차", "OPEN: disclosed procedures",
                        "처리 과정을 공개하는 민원 절차와 법정 처리기간, 표준 처리 흐름",
                        ["민원", "처리절차", "OPEN"], ["civil petitions", "procedures", "OPEN"]),
    "open_petitions": ("open", "민원 처리 현황", "OPEN: petitions",
                       "공개 절차 민원의 접수일, 처리기한, 처리 상태, 담당 부서와 공무원, 기한 경과 여부",
                       ["민원", "처리현황", "처리기한"], ["civil petitions", "status", "due date"]),
    "open_petition_steps": ("open", "민원 처리 단계", "OPEN: petition steps",
                            "공개 민원의 단계별 처리 일시와 처리 부서, 공무원",
                            ["민원", "처리단계"], ["civil petitions", "steps"]),
    "finance_budget_execution": ("finance", "예산 집행 현황", "Clean Finance: budget execution",
                                 "회계연도, 부서, 사업별 예산(추경 포함)과 집행액, 집행률",
                                 ["예산", "집행", "클린재정"], ["budget", "execution", "clean finance"]),
    "finance_contracts": ("finance", "계약 현황", "Clean Finance: contracts",
                          "유효한 계약의 계약명, 부서, 계약방법, 업체, 금액, 기간과 지급액",
                          ["계약", "조달", "클린재정"], ["contracts", "procurement", "clean finance"]),
    "finance_payments_monthly": ("finance", "월별 지출 현황", "Clean Finance: monthly payments",
                                 "회계연도, 월, 부서, 사업별 지출 건수와 총액",
                                 ["지출", "클린재정"], ["payments", "clean finance"]),
    "control_outcomes": ("control", "부패 예방 감시 결과", "Integrity controls: outcomes",
                         "감시 시나리오 분야와 월별 발견, 조치, 제외 건수와 추정액, 징수액 (5건 미만은 비공개)",
                         ["감사", "부패예방", "청렴"], ["audit", "integrity", "controls"]),
}

#: The DCAT JSON-LD context, inline: every term the catalogue uses is defined here.
CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "Catalog": "dcat:Catalog",
    "Dataset": "dcat:Dataset",
    "Distribution": "dcat:Distribution",
    "Organization": "foaf:Organization",
    "Kind": "vcard:Kind",
    "title": {"@id": "dct:title", "@container": "@language"},
    "description": {"@id": "dct:description", "@container": "@language"},
    "name": {"@id": "foaf:name", "@container": "@language"},
    "fn": "vcard:fn",
    "keyword": {"@id": "dcat:keyword", "@container": "@language"},
    "publisher": {"@id": "dct:publisher"},
    "contactPoint": {"@id": "dcat:contactPoint"},
    "license": {"@id": "dct:license", "@type": "@id"},
    "issued": {"@id": "dct:issued", "@type": "xsd:date"},
    "modified": {"@id": "dct:modified", "@type": "xsd:date"},
    "accrualPeriodicity": {"@id": "dct:accrualPeriodicity", "@type": "@id"},
    "language": {"@id": "dct:language", "@type": "@id"},
    "identifier": "dct:identifier",
    "dataset": {"@id": "dcat:dataset", "@container": "@set"},
    "distribution": {"@id": "dcat:distribution", "@container": "@set"},
    "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
    "accessURL": {"@id": "dcat:accessURL", "@type": "@id"},
    "mediaType": "dcat:mediaType",
    "format": "dct:format",
    "conformsTo": {"@id": "dct:conformsTo", "@type": "@id"},
}


@cache
def column_names_ko() -> dict[tuple[str, str], str]:
    text = (resources.files("cheongbaek.publish") / "reference" / "column_names_ko.csv").read_text(encoding="utf-8")
    return {(r["dataset"], r["field"]): r["title_ko"] for r in csv.DictReader(text.splitlines())}


def _schema(name: str) -> dict[str, Any]:
    from cheongbaek.publish.runner import table_schema

    return table_schema(name)


def next_update(as_of: dt.date) -> dt.date:
    """The next business day after D: the pipeline publishes every business day."""
    from cheongbaek.publish.runner import business_calendar

    for day, is_bday, _ in business_calendar(as_of + dt.timedelta(days=1), as_of + dt.timedelta(days=30)):
        if is_bday:
            return day
    return as_of + dt.timedelta(days=1)


def portal_catalogue(as_of: dt.date, rows: Mapping[str, int]) -> dict[str, Any]:
    """The metadata sheet of each dataset, in the Korean portal's fields (Korean keys, English beside)."""
    names = column_names_ko()
    nxt = next_update(as_of).isoformat()
    entries = []
    for name, n in rows.items():
        group, title_ko, title_en, desc_ko, kw_ko, kw_en = DATASETS[name]
        schema = _schema(name)
        dept = DEPARTMENTS[group]
        entries.append({
            "목록명": title_ko,
            "목록명_영문": title_en,
            "파일명": name,
            "설명": desc_ko,
            "설명_영문": schema.get("description", ""),
            "제공기관": PROVIDER["ko"],
            "제공기관_영문": PROVIDER["en"],
            "관리부서": dept["ko"],
            "관리부서_영문": dept["en"],
            "업데이트 주기": UPDATE_CYCLE["ko"],
            "업데이트 주기_영문": UPDATE_CYCLE["en"],
            "수정일": as_of.isoformat(),
            "차기 등록 예정일": nxt,
            "이용허락범위": LICENCE["ko"],
            "이용허락범위_영문": LICENCE["en"],
            "이용허락범위_URL": LICENCE["url"],
            "전체 행 수": n,
            "키워드": kw_ko,
            "키워드_영문": kw_en,
            "확장자": ["CSV", "CSV (Excel, UTF-8 BOM)", "Parquet"],
            "파일": {"csv": f"{name}.csv", "excel": f"{name}_excel.csv", "parquet": f"{name}.parquet"},
            "컬럼 정보": [
                {"컬럼명": f["name"], "한글명": names.get((name, f["name"]), f["name"]),
                 "영문 설명": f.get("description", ""), "타입": f["type"]}
                for f in schema["schema"]["fields"]
            ],
        })
    return {
        "카탈로그명": "청백 공개 데이터: 민원처리 공개(OPEN)와 클린재정",
        "카탈로그명_영문": "Cheongbaek open data: OPEN petitions and Clean Finance",
        "제공기관": PROVIDER["ko"],
        "기준일": as_of.isoformat(),
        "차기 등록 예정일": nxt,
        "데이터 패키지": "datapackage.json",
        "DCAT": "catalogue.jsonld",
        "데이터셋": entries,
    }


def dcat_catalogue(as_of: dt.date, rows: Mapping[str, int]) -> dict[str, Any]:
    """The same catalogue as DCAT (JSON-LD) with an inline context; file links relative to the catalogue."""
    publisher = {"@type": "Organization", "name": {"ko": PROVIDER["ko"], "en": PROVIDER["en"]}}
    datasets = []
    for name, n in rows.items():
        group, title_ko, title_en, desc_ko, kw_ko, kw_en = DATASETS[name]
        dept = DEPARTMENTS[group]
        schema = _schema(name)
        distributions = []
        for suffix, media, fmt, what in (
                (".csv", "text/csv", "CSV", "UTF-8"),
                ("_excel.csv", "text/csv", "CSV", "UTF-8 with BOM, formula-like text prefixed with '"),
                (".parquet", "application/vnd.apache.parquet", "Parquet", "Apache Parquet")):
            distributions.append({
                "@type": "Distribution",
                "@id": f"#{name}{suffix}",
                "title": {"en": f"{title_en} ({what})", "ko": f"{title_ko} ({fmt})"},
                "downloadURL": f"{name}{suffix}",
                "accessURL": f"{name}{suffix}",
                "mediaType": media,
                "format": fmt,
                "license": LICENCE["url"],
                "conformsTo": "datapackage.json",
            })
        datasets.append({
            "@type": "Dataset",
            "@id": f"#{name}",
            "identifier": f"cheongbaek-{name}",
            "title": {"ko": title_ko, "en": title_en},
            "description": {"ko": f"{desc_ko}. 행 수 {n:,}.", "en": f"{schema.get('description', '')} Rows: {n:,}."},
            "keyword": {"ko": kw_ko, "en": kw_en},
            "publisher": publisher,
            "contactPoint": {"@type": "Kind", "fn": f"{PROVIDER['ko']} {dept['ko']} ({dept['en']})"},
            "license": LICENCE["url"],
            "modified": as_of.isoformat(),
            "accrualPeriodicity": FREQUENCY_DAILY,
            "language": "http://id.loc.gov/vocabulary/iso639-1/ko",
            "distribution": distributions,
        })
    return {
        "@context": CONTEXT,
        "@type": "Catalog",
        "@id": "#catalogue",
        "title": {"ko": "청백 공개 데이터: 민원처리 공개(OPEN)와 클린재정",
                  "en": "Cheongbaek open data: OPEN petitions and Clean Finance"},
        "description": {"ko": f"{as_of.isoformat()} 기준 서울특별시 민원 처리와 재정 공개 데이터",
                        "en": f"Disclosure of the city's petitions and finances as of {as_of.isoformat()}."},
        "publisher": publisher,
        "license": LICENCE["url"],
        "modified": as_of.isoformat(),
        "accrualPeriodicity": FREQUENCY_DAILY,
        "dataset": datasets,
    }


def write_catalogue(folder: Path, as_of: dt.date, rows: Mapping[str, int]) -> None:
    """``catalogue.json`` and ``catalogue.jsonld`` in the publication folder."""
    (folder / "catalogue.json").write_text(
        json.dumps(portal_catalogue(as_of, rows), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (folder / "catalogue.jsonld").write_text(
        json.dumps(dcat_catalogue(as_of, rows), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
