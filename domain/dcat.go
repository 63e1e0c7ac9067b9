package domain

import "strings"

// The open catalogue (开放目录) as DCAT-AP for open-data portals (NY 42):
// which entries are in it, and how the catalogue's own terms map onto the
// EU vocabularies that DCAT-AP 3 asks for.

// EU authority tables (Publications Office) DCAT-AP 3 draws its controlled
// values from.
const (
	EUFrequencyBase   = "http://publications.europa.eu/resource/authority/frequency/"
	EUAccessRightBase = "http://publications.europa.eu/resource/authority/access-right/"
	EUFileTypeBase    = "http://publications.europa.eu/resource/authority/file-type/"
)

// InOpenCatalogue reports whether r belongs to the open catalogue that is
// published for the public: a published entry whose open type is
// UNCONDITIONAL or CONDITIONAL.
func InOpenCatalogue(r *Resource) bool {
	// NY 42: the open catalogue is published to the public; NY 44: entries
	// not to be opened (不予开放) are not in it at all.
	if r.Status != StatusPublished {
		return false
	}
	return r.OpenType == OpenUnconditional || r.OpenType == OpenConditional
}

// EUFrequency maps an entry's declared update frequency (MZ 7, MZ 13) to
// the EU frequency vocabulary used by dcterms:accrualPeriodicity. ok is
// false for a frequency the catalogue does not know.
func EUFrequency(f UpdateFrequency) (iri string, ok bool) {
	// MZ 7: the update frequency (更新周期) is a required element; MZ 13
	// holds the data to it. REAL_TIME data is updated continuously
	// (UPDATE_CONT), HALF_YEARLY twice a year (ANNUAL_2), IRREGULAR as
	// the source needs (IRREG).
	code := map[UpdateFrequency]string{
		FreqRealTime:   "UPDATE_CONT",
		FreqDaily:      "DAILY",
		FreqWeekly:     "WEEKLY",
		FreqMonthly:    "MONTHLY",
		FreqQuarterly:  "QUARTERLY",
		FreqHalfYearly: "ANNUAL_2",
		FreqYearly:     "ANNUAL",
		FreqIrregular:  "IRREG",
	}[f]
	if code == "" {
		return "", false
	}
	return EUFrequencyBase + code, true
}

// EUAccessRight maps an open type to the EU access-right vocabulary of
// dcterms:accessRights: PUBLIC for unconditionally open data, RESTRICTED
// for conditionally open data. ok is false for NONE, which is never in the
// open catalogue.
func EUAccessRight(o OpenType) (iri string, ok bool) {
	switch o {
	case OpenUnconditional:
		// NY 46, QY 24(1): anyone may obtain it.
		return EUAccessRightBase + "PUBLIC", true
	case OpenConditional:
		// NY 46, QY 24(2), WZ 29: on an approved application with purpose
		// and scope.
		return EUAccessRightBase + "RESTRICTED", true
	}
	// NY 44: 不予开放 is not published.
	return "", false
}

// EUFileType maps an entry's data format (数据格式, MZ 7) to the EU
// file-type vocabulary of a distribution's dcterms:format. Only formats
// that name one file type map; the catalogue's generic forms (数据库,
// 电子表格, 文件, 图片) do not say which file the data comes in, so they
// map to nothing rather than to a guess, and the distribution keeps the
// form as its title.
func EUFileType(format string) (iri string, ok bool) {
	// MZ 7: the data form/format is a required element of the entry.
	f := strings.ToUpper(strings.TrimSpace(format))
	f = strings.TrimPrefix(f, ".")
	code := map[string]string{
		"CSV": "CSV", "JSON": "JSON", "GEOJSON": "GEOJSON", "XML": "XML",
		"XLS": "XLS", "XLSX": "XLSX", "ODS": "ODS", "PDF": "PDF", "HTML": "HTML",
		"TXT": "TXT", "ZIP": "ZIP", "SHP": "SHP", "JPEG": "JPEG", "JPG": "JPEG",
		"PNG": "PNG", "TIFF": "TIFF", "RDF": "RDF", "TTL": "RDF_TURTLE",
		"TURTLE": "RDF_TURTLE", "JSON-LD": "JSON_LD", "JSONLD": "JSON_LD",
		"DOC": "DOC", "DOCX": "DOCX",
	}[f]
	if code == "" {
		return "", false
	}
	return EUFileTypeBase + code, true
}
