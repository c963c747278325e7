"""define.xml (CDISC Define-XML 2.0.0): the metadata of the SDTM datasets written beside it.

One ItemGroupDef per dataset (its XPT file as def:leaf), one ItemDef per variable (name, label, Define-XML data
type, the length written, origin), the codelists with their NCI codes as `nci:ExtCodeID` aliases where they
were confirmed (iectox/data/sdtm/terminology.toml), MedDRA as an external dictionary, and the value-level
metadata of SUPPAE's QVAL: for QNAM TOXGRSCL, the grading scale of AETOXGR (SDTMIG v3.4 AE assumption 7d).
Element order follows the Define-XML 2.0 schema: value lists, where clauses, item groups, items, codelists,
comments.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

import pandas as pd

from iectox import __version__
from iectox.io.sdtm.metadata import Codelist, DatasetSpec, Qualifier, Standard, Variable

ODM = "http://www.cdisc.org/ns/odm/v1.3"
DEF = "http://www.cdisc.org/ns/def/v2.0"
XLINK = "http://www.w3.org/1999/xlink"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NUMBER_LENGTH = 8  # SAS numbers are 8-byte doubles

for _prefix, _uri in (("", ODM), ("def", DEF), ("xlink", XLINK)):
    ET.register_namespace(_prefix, _uri)


def _odm(tag: str) -> str:
    return f"{{{ODM}}}{tag}"


def _def(tag: str) -> str:
    return f"{{{DEF}}}{tag}"


def _sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v != ""})


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = _sub(parent, _odm(tag))
    _sub(element, _odm("TranslatedText"), **{XML_LANG: "en"}).text = text
    return element


def _oid(spec: DatasetSpec, name: str) -> str:
    return f"IT.{spec.name}.{name}"


def _comments(standard: Standard, frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """def:CommentDef text per ItemDef OID: what a variable's values need said beside them."""
    scales = standard.codelists["TOXGRSCL"]
    used = sorted(set(frames["SUPPAE"]["QVAL"]))
    listed = "; ".join(f"{code}: {scales.decode(code)}" for code in used) or "none"
    comments = {
        "IT.AE.AETOXGR": (
            "Grade as recorded by the centre, on the scale named for each record in SUPPAE (QNAM TOXGRSCL), as "
            f"SDTMIG v3.4 AE assumption 7d asks. Scales in these data: {listed}. Blank: grade not recorded."
        ),
    }
    if not standard.meddra.confirmed:
        comments["IT.AE.AEPTCD"] = (
            "MedDRA preferred term codes could not be confirmed when this export was made; AEPTCD is left "
            "empty for the sponsor's coder."
        )
    unconfirmed = [t["aeterm"] for t in standard.meddra.terms.values() if t.get("aedecod_confirmed") is False]
    if unconfirmed:
        comments["IT.AE.AEDECOD"] = (
            "Preferred terms as named by MedDRA for CRS and ICANS; to be confirmed by the sponsor's coder for: "
            + "; ".join(unconfirmed)
            + "."
        )
    return comments


def _item_group(mdv: ET.Element, spec: DatasetSpec) -> None:
    group = _sub(
        mdv,
        _odm("ItemGroupDef"),
        OID=f"IG.{spec.name}",
        Domain=spec.name,
        Name=spec.name,
        Repeating="No" if spec.name == "DM" else "Yes",
        IsReferenceData="No",
        SASDatasetName=spec.name,
        Purpose="Tabulation",
        **{
            _def("Structure"): spec.structure,
            _def("Class"): spec.cls,
            _def("ArchiveLocationID"): f"LF.{spec.name}",
        },
    )
    _text(group, "Description", spec.label)
    for order, variable in enumerate(spec.variables, start=1):
        _sub(
            group,
            _odm("ItemRef"),
            ItemOID=_oid(spec, variable.name),
            OrderNumber=str(order),
            Mandatory="Yes" if variable.core == "Req" else "No",
            KeySequence=str(variable.key or ""),
        )
    leaf = _sub(group, _def("leaf"), ID=f"LF.{spec.name}", **{f"{{{XLINK}}}href": f"{spec.name.lower()}.xpt"})
    _sub(leaf, _def("title")).text = f"{spec.name.lower()}.xpt"


def _item(
    mdv: ET.Element, oid: str, variable: Variable, length: int | None, comment: bool, value_list: str = ""
) -> None:
    numeric = variable.type == "Num"
    item = _sub(
        mdv,
        _odm("ItemDef"),
        OID=oid,
        Name=variable.name,
        DataType=variable.define_type,
        Length=str(NUMBER_LENGTH if numeric else length) if numeric or variable.datatype == "" else "",
        SASFieldName=variable.name,
        **{_def("CommentOID"): f"COM.{oid[3:]}" if comment else ""},
    )
    _text(item, "Description", variable.label)
    if variable.codelist:
        _sub(item, _odm("CodeListRef"), CodeListOID=f"CL.{variable.codelist}")
    _sub(item, _def("Origin"), Type=variable.origin)
    if value_list:
        _sub(item, _def("ValueListRef"), ValueListOID=value_list)


def _codelist(mdv: ET.Element, codelist: Codelist) -> None:
    element = _sub(mdv, _odm("CodeList"), OID=f"CL.{codelist.id}", Name=codelist.name, DataType="text")
    for term in codelist.terms:
        item = _sub(element, _odm("CodeListItem"), CodedValue=term.value)
        _text(item, "Decode", term.decode)
        if term.nci:
            _sub(item, _odm("Alias"), Name=term.nci, Context="nci:ExtCodeID")
    if codelist.nci:
        _sub(element, _odm("Alias"), Name=codelist.nci, Context="nci:ExtCodeID")


def _qualifier_values(mdv: ET.Element, qualifiers: tuple[Qualifier, ...]) -> None:
    """The value list of SUPPAE.QVAL and the where clause selecting each QNAM."""
    values = _sub(mdv, _def("ValueListDef"), OID="VL.SUPPAE.QVAL")
    for order, qualifier in enumerate(qualifiers, start=1):
        ref = _sub(
            values,
            _odm("ItemRef"),
            ItemOID=f"IT.SUPPAE.QVAL.{qualifier.qnam}",
            OrderNumber=str(order),
            Mandatory="Yes",
        )
        _sub(ref, _def("WhereClauseRef"), WhereClauseOID=f"WC.SUPPAE.QNAM.{qualifier.qnam}")
    for qualifier in qualifiers:
        where = _sub(mdv, _def("WhereClauseDef"), OID=f"WC.SUPPAE.QNAM.{qualifier.qnam}")
        check = _sub(
            where, _odm("RangeCheck"), Comparator="EQ", SoftHard="Soft", **{_def("ItemOID"): "IT.SUPPAE.QNAM"}
        )
        _sub(check, _odm("CheckValue")).text = qualifier.qnam


def _qualifier_item(mdv: ET.Element, qualifier: Qualifier, supp: pd.DataFrame) -> None:
    """The ItemDef of QVAL where QNAM is `qualifier`'s, with the length of its longest value."""
    written = supp["QVAL"][supp["QNAM"] == qualifier.qnam]
    variable = Variable(
        qualifier.qnam, qualifier.qlabel, "Char", "Perm", qualifier.qorig, None, "", qualifier.codelist
    )
    length = int(written.str.len().max()) if len(written) else 1
    _item(mdv, f"IT.SUPPAE.QVAL.{qualifier.qnam}", variable, length, False)


def _metadata_version(standard: Standard, study_id: str) -> tuple[ET.Element, ET.Element]:
    """The ODM root with its study's global variables, and the (empty) MetaDataVersion to fill."""
    root = ET.Element(
        _odm("ODM"),
        {
            "FileOID": f"iectox.{study_id}.define",
            "FileType": "Snapshot",
            "CreationDateTime": datetime.now().replace(microsecond=0).isoformat(),
            "ODMVersion": "1.3.2",
            "Originator": "iectox",
            "SourceSystem": "iectox",
            "SourceSystemVersion": __version__,
        },
    )
    study = _sub(root, _odm("Study"), OID=f"STUDY.{study_id}")
    globals_ = _sub(study, _odm("GlobalVariables"))
    _sub(globals_, _odm("StudyName")).text = study_id
    _sub(
        globals_, _odm("StudyDescription")
    ).text = f"{study_id}: toxicities of immune effector cell therapies"
    _sub(globals_, _odm("ProtocolName")).text = study_id
    mdv = _sub(
        study,
        _odm("MetaDataVersion"),
        OID=f"MDV.{study_id}.SDTMIG.{standard.version}",
        Name=f"Study {study_id}, Data Definitions",
        **{
            _def("DefineVersion"): standard.define_version,
            _def("StandardName"): "SDTM-IG",
            _def("StandardVersion"): standard.version,
        },
    )
    return root, mdv


def written(standard: Standard, frames: dict[str, pd.DataFrame]) -> tuple[DatasetSpec, ...]:
    """The datasets that have records: the FDA asks that empty datasets not be submitted."""
    return tuple(spec for spec in standard.datasets if len(frames[spec.name]))


def define_xml(
    standard: Standard, frames: dict[str, pd.DataFrame], lengths: dict[str, dict[str, int]], study_id: str
) -> ET.ElementTree:
    """The define.xml of the datasets of `frames` that have records, whose Char lengths are `lengths`
    (limits.check_all)."""
    specs = written(standard, frames)
    names = {spec.name for spec in specs}
    qualifiers = standard.dataset("SUPPAE").qualifiers if "SUPPAE" in names else ()
    root, mdv = _metadata_version(standard, study_id)
    if qualifiers:
        _qualifier_values(mdv, qualifiers)
    for spec in specs:
        _item_group(mdv, spec)
    comments = {oid: text for oid, text in _comments(standard, frames).items() if oid.split(".")[1] in names}
    for spec in specs:
        for variable in spec.variables:
            oid = _oid(spec, variable.name)
            value_list = "VL.SUPPAE.QVAL" if oid == "IT.SUPPAE.QVAL" else ""
            _item(mdv, oid, variable, lengths[spec.name].get(variable.name), oid in comments, value_list)
    for qualifier in qualifiers:
        _qualifier_item(mdv, qualifier, frames["SUPPAE"])
    used = {v.codelist for spec in specs for v in spec.variables if v.codelist} | {
        q.codelist for q in qualifiers
    }
    for id_ in sorted(used - {"MEDDRA"}):
        _codelist(mdv, standard.codelists[id_])
    if "MEDDRA" in used:
        meddra = _sub(mdv, _odm("CodeList"), OID="CL.MEDDRA", Name="MedDRA", DataType="text")
        _sub(
            meddra,
            _odm("ExternalCodeList"),
            Dictionary=standard.meddra.dictionary,
            Version=standard.meddra.version,
        )
    for oid, text in comments.items():
        _text(_sub(mdv, _def("CommentDef"), OID=f"COM.{oid[3:]}"), "Description", text)
    ET.indent(root, space=" ")
    return ET.ElementTree(root)
