package demo

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citydata/catalogue/domain"
)

// meizhou is 梅州市 and its counties (administrative division codes).
var meizhou = map[string]string{
	"441400": "梅州市", "441402": "梅江区", "441403": "梅县区", "441422": "大埔县", "441423": "丰顺县",
	"441424": "五华县", "441426": "平远县", "441427": "蕉岭县", "441481": "兴宁市",
}

var (
	formats     = []string{"数据库", "电子表格", "XML", "JSON", "图片", "文件"}
	frequencies = []domain.UpdateFrequency{domain.FreqRealTime, domain.FreqDaily, domain.FreqWeekly, domain.FreqMonthly,
		domain.FreqQuarterly, domain.FreqHalfYearly, domain.FreqYearly, domain.FreqIrregular}
	shareTypes = []domain.ShareType{domain.ShareUnconditional, domain.ShareConditional, domain.ShareNone}
	openTypes  = []domain.OpenType{domain.OpenUnconditional, domain.OpenConditional, domain.OpenNone}
	dataTypes  = []domain.DataType{domain.TypeString, domain.TypeNumber, domain.TypeCurrency, domain.TypeDate,
		domain.TypeDatetime, domain.TypeBoolean, domain.TypeText, domain.TypeBinary, domain.TypeDouble,
		domain.TypeInteger, domain.TypeFloat}
	statuses = []domain.ResourceStatus{domain.StatusDraft, domain.StatusSubmitted, domain.StatusPublished,
		domain.StatusReturned, domain.StatusRetired}

	resourceCode = regexp.MustCompile(`^([0-9]{6})-[A-Z]{2,3}-[0-9]{3}$`)
	mobile       = regexp.MustCompile(`^1[358][0-9]{9}$`)
	filingNo     = regexp.MustCompile(`^梅政数备〔20[0-9]{2}〕[0-9]+号$`)
	regionCode   = regexp.MustCompile(`^[1-8][0-9]{5}$`)
)

// validIDNumber checks an 18-character resident ID number: region, a real
// birth date and the GB 11643 check digit (ISO 7064 MOD 11-2).
func validIDNumber(id string) error {
	if len(id) != 18 {
		return fmt.Errorf("%q has %d characters, want 18", id, len(id))
	}
	if !regionCode.MatchString(id[:6]) {
		return fmt.Errorf("%q: %q is not a region code", id, id[:6])
	}
	if _, err := time.Parse("20060102", id[6:14]); err != nil {
		return fmt.Errorf("%q: %q is not a birth date", id, id[6:14])
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		if id[i] < '0' || id[i] > '9' {
			return fmt.Errorf("%q: character %d is not a digit", id, i+1)
		}
		sum += int(id[i]-'0') * weights[i]
	}
	if want := "10X98765432"[sum%11]; id[17] != want {
		return fmt.Errorf("%q: check digit %c, GB 11643 gives %c", id, id[17], want)
	}
	return nil
}

func TestValidIDNumber(t *testing.T) {
	// The GB 11643 example number, and the same with a wrong check digit.
	if err := validIDNumber("11010519491231002X"); err != nil {
		t.Errorf("valid number refused: %v", err)
	}
	if err := validIDNumber("110105194912310021"); err == nil {
		t.Error("wrong check digit accepted")
	}
}

func departmentsByKey() map[string]Department {
	m := map[string]Department{}
	for _, d := range Catalogue.Departments {
		m[d.Key] = d
	}
	return m
}

func elementsByCode() map[string]Element {
	m := map[string]Element{}
	for _, e := range Catalogue.Elements {
		m[e.Code] = e
	}
	return m
}

func hasPersonal(r Resource) bool {
	return slices.ContainsFunc(r.Items, func(it Item) bool { return it.Personal })
}

// resourceRules are the rules every resource must satisfy, whatever its status.
var resourceRules = []struct {
	name  string // the rule and its article
	check func(r Resource) error
}{
	{"code is region-department-sequence of the source department's region (MZ 7)", func(r Resource) error {
		m := resourceCode.FindStringSubmatch(r.Code)
		if m == nil {
			return fmt.Errorf("code %q is not like 441400-GA-001", r.Code)
		}
		if d, ok := departmentsByKey()[r.Source]; ok && d.RegionCode != m[1] {
			return fmt.Errorf("code region %s, source department %s is in %s", m[1], d.Key, d.RegionCode)
		}
		return nil
	}},
	{"required catalogue elements are filled in (MZ 7, QY 8, NY 17, WZ 10)", func(r Resource) error {
		var missing []string
		for name, v := range map[string]string{"name": r.Name, "summary": r.Summary, "classification": r.Classification,
			"format": r.Format, "share scope": r.ShareScope, "contact person": r.ContactPerson, "contact phone": r.ContactPhone} {
			if strings.TrimSpace(v) == "" {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			slices.Sort(missing)
			return fmt.Errorf("missing %s", strings.Join(missing, ", "))
		}
		if !slices.Contains(formats, r.Format) {
			return fmt.Errorf("format %q not one of %v", r.Format, formats)
		}
		if !strings.Contains(r.Classification, "信息资源/") {
			return fmt.Errorf("classification %q is not like 基础信息资源/人口", r.Classification)
		}
		if !slices.Contains(frequencies, r.Frequency) || !slices.Contains(shareTypes, r.ShareType) ||
			!slices.Contains(openTypes, r.OpenType) || !slices.Contains(statuses, r.Status) {
			return fmt.Errorf("unknown frequency, share type, open type or status: %s %s %s %s", r.Frequency, r.ShareType, r.OpenType, r.Status)
		}
		return nil
	}},
	{"source, collecting, approving and providing departments exist (MZ 7, MZ 11)", func(r Resource) error {
		depts := departmentsByKey()
		if _, ok := depts[r.Source]; !ok {
			return fmt.Errorf("unknown source department %q", r.Source)
		}
		for _, k := range []string{r.Collecting, r.Approving, r.Providing} {
			if _, ok := depts[k]; k != "" && !ok {
				return fmt.Errorf("unknown department %q", k)
			}
		}
		return nil
	}},
	{"conditional share states conditions and basis (MZ 10, WZ 15(2))", func(r Resource) error {
		if r.ShareType == domain.ShareConditional && (r.ShareConditions == "" || r.LegalBasis == "") {
			return fmt.Errorf("share conditions %q, legal basis %q", r.ShareConditions, r.LegalBasis)
		}
		return nil
	}},
	{"no share has a basis filed with the authority (MZ 10, WZ 15(3))", func(r Resource) error {
		if r.ShareType == domain.ShareNone {
			if r.LegalBasis == "" || !filingNo.MatchString(r.NoneShareFiling) {
				return fmt.Errorf("legal basis %q, filing %q", r.LegalBasis, r.NoneShareFiling)
			}
		} else if r.NoneShareFiling != "" {
			return fmt.Errorf("share type %s carries a none-share filing %q", r.ShareType, r.NoneShareFiling)
		}
		return nil
	}},
	{"no share may only be verified (MZ 21)", func(r Resource) error {
		if r.ShareType == domain.ShareNone && !slices.Equal(r.ShareModes, []domain.ShareMode{domain.ModeVerify}) {
			return fmt.Errorf("share modes %v, want only VERIFY", r.ShareModes)
		}
		return nil
	}},
	{"share modes are given, known and distinct (WZ 16, NY 38)", func(r Resource) error {
		if len(r.ShareModes) == 0 {
			return errors.New("no share mode")
		}
		seen := map[domain.ShareMode]bool{}
		for _, m := range r.ShareModes {
			if m != domain.ModeVerify && m != domain.ModeQuery && m != domain.ModeBulk || seen[m] {
				return fmt.Errorf("share modes %v", r.ShareModes)
			}
			seen[m] = true
		}
		return nil
	}},
	{"bulk only for unconditionally shared, non-personal data (MZ 21, WZ 21)", func(r Resource) error {
		if slices.Contains(r.ShareModes, domain.ModeBulk) && (r.ShareType != domain.ShareUnconditional || hasPersonal(r)) {
			return fmt.Errorf("BULK with share type %s, personal items %v", r.ShareType, hasPersonal(r))
		}
		return nil
	}},
	{"conditional open states conditions and basis (NY 44, WZ 28)", func(r Resource) error {
		if r.OpenType == domain.OpenConditional && (r.OpenConditions == "" || r.LegalBasis == "") {
			return fmt.Errorf("open conditions %q, legal basis %q", r.OpenConditions, r.LegalBasis)
		}
		return nil
	}},
	{"no open has a basis (NY 44)", func(r Resource) error {
		if r.OpenType == domain.OpenNone && r.LegalBasis == "" {
			return errors.New("open type NONE without legal basis")
		}
		return nil
	}},
	{"personal data is never unconditionally open (WZ 15(1), NY 44)", func(r Resource) error {
		if r.OpenType == domain.OpenUnconditional && hasPersonal(r) {
			return errors.New("unconditionally open resource has personal items")
		}
		return nil
	}},
	{"published and retired entries carry their publication date, others none", func(r Resource) error {
		dated := r.Status == domain.StatusPublished || r.Status == domain.StatusRetired
		if !dated {
			if r.PublishedOn != "" {
				return fmt.Errorf("status %s with publication date %q", r.Status, r.PublishedOn)
			}
			return nil
		}
		day, err := time.Parse(time.DateOnly, r.PublishedOn)
		if err != nil {
			return fmt.Errorf("status %s, publication date %q: %v", r.Status, r.PublishedOn, err)
		}
		if day.Year() < 2015 || day.After(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)) {
			return fmt.Errorf("publication date %s out of range", r.PublishedOn)
		}
		return nil
	}},
	{"returned and retired entries say why in the review notes (MZ 7)", func(r Resource) error {
		if (r.Status == domain.StatusReturned || r.Status == domain.StatusRetired) && r.ReviewNotes == "" {
			return fmt.Errorf("status %s without review notes", r.Status)
		}
		return nil
	}},
	{"3 to 8 data items with distinct names and guide types (MZ 7, 编制指南)", func(r Resource) error {
		if n := len(r.Items); n < 3 || n > 8 {
			return fmt.Errorf("%d data items", n)
		}
		seen := map[string]bool{}
		for _, it := range r.Items {
			if it.Name == "" || it.Description == "" {
				return fmt.Errorf("item %q without name or description", it.Name)
			}
			if seen[it.Name] {
				return fmt.Errorf("item %q twice", it.Name)
			}
			seen[it.Name] = true
			if !slices.Contains(dataTypes, it.Type) {
				return fmt.Errorf("item %q: type %q", it.Name, it.Type)
			}
		}
		return nil
	}},
	{"2 to 3 sample records keyed by item names", func(r Resource) error {
		if n := len(r.Sample); n < 2 || n > 3 {
			return fmt.Errorf("%d sample records", n)
		}
		for i, rec := range r.Sample {
			if len(rec) == 0 {
				return fmt.Errorf("sample %d is empty", i)
			}
			for k := range rec {
				if !slices.ContainsFunc(r.Items, func(it Item) bool { return it.Name == k }) {
					return fmt.Errorf("sample %d: key %q is not a data item", i, k)
				}
			}
		}
		return nil
	}},
	{"sample values are well-formed: ID numbers (GB 11643), mobiles, credit codes (GB 32100)", func(r Resource) error {
		for i, rec := range r.Sample {
			for _, it := range r.Items {
				v := rec[it.Name]
				if v == "" {
					continue
				}
				switch {
				case strings.Contains(it.Name, "公民身份号码"):
					if err := validIDNumber(v); err != nil {
						return fmt.Errorf("sample %d, %s: %v", i, it.Name, err)
					}
				case it.Personal && (strings.Contains(it.Name, "电话") || strings.Contains(it.Name, "手机")):
					if !mobile.MatchString(v) {
						return fmt.Errorf("sample %d, %s: %q is not a 13x/15x/18x mobile number", i, it.Name, v)
					}
				case it.Name == "统一社会信用代码":
					if err := domain.ValidateCreditCode(v); err != nil {
						return fmt.Errorf("sample %d, %s: %v", i, it.Name, err)
					}
				}
				if it.Type == domain.TypeDate {
					if _, err := time.Parse(time.DateOnly, v); err != nil {
						return fmt.Errorf("sample %d, %s: %q is not a date", i, it.Name, v)
					}
				}
				if it.Type == domain.TypeDatetime {
					if _, err := time.Parse(time.DateTime, v); err != nil {
						return fmt.Errorf("sample %d, %s: %q is not a date and time", i, it.Name, v)
					}
				}
			}
		}
		return nil
	}},
	{"a data element is carried only by its one source department (一数一源, MZ 11)", func(r Resource) error {
		elems := elementsByCode()
		seen := map[string]bool{}
		for _, code := range r.Elements {
			e, ok := elems[code]
			if !ok {
				return fmt.Errorf("unknown data element %q", code)
			}
			if e.Source != r.Source {
				return fmt.Errorf("element %s (%s) has source %s, resource source is %s", code, e.Name, e.Source, r.Source)
			}
			if seen[code] {
				return fmt.Errorf("element %s listed twice", code)
			}
			seen[code] = true
		}
		return nil
	}},
}

func TestResourceRules(t *testing.T) {
	for _, rule := range resourceRules {
		t.Run(rule.name, func(t *testing.T) {
			for _, r := range Catalogue.Resources {
				if err := rule.check(r); err != nil {
					t.Errorf("%s %s: rule %q: %v", r.Code, r.Name, rule.name, err)
				}
			}
		})
	}
}

func TestResourcesBaseThemeUnconditional(t *testing.T) {
	byCode := map[string]Resource{}
	for _, r := range Catalogue.Resources {
		byCode[r.Code] = r
	}
	for _, th := range Catalogue.Themes {
		if th.Kind != domain.KindBase {
			continue
		}
		for _, code := range th.Resources {
			if r, ok := byCode[code]; ok && r.ShareType != domain.ShareUnconditional {
				t.Errorf("%s %s: rule %q: in base database %s with share type %s", r.Code, r.Name,
					"base database items are shared unconditionally (NY 37(2))", th.Name, r.ShareType)
			}
		}
	}
}

func TestDepartments(t *testing.T) {
	if n := len(Catalogue.Departments); n < 18 {
		t.Errorf("%d departments, want at least 18", n)
	}
	keys, codes, names := map[string]bool{}, map[string]bool{}, map[string]bool{}
	depts := departmentsByKey()
	county := 0
	for _, d := range Catalogue.Departments {
		if keys[d.Key] || codes[d.CreditCode] || names[d.Name] {
			t.Errorf("department %s %s: key, credit code or name not unique", d.Key, d.Name)
		}
		keys[d.Key], codes[d.CreditCode], names[d.Name] = true, true, true
		if d.Key == "" || strings.ContainsFunc(d.Key, func(r rune) bool { return r > 127 }) {
			t.Errorf("department %s: key %q is not a short ASCII key", d.Name, d.Key)
		}
		if err := domain.ValidateCreditCode(d.CreditCode); err != nil {
			t.Errorf("department %s %s: rule %q: %v", d.Key, d.Name, "credit code is valid (GB 32100)", err)
		}
		if !strings.HasPrefix(d.CreditCode, "11") || d.CreditCode[2:8] != d.RegionCode {
			t.Errorf("department %s %s: credit code %s is not 11 + region %s (GB 32100 government organ)", d.Key, d.Name, d.CreditCode, d.RegionCode)
		}
		if err := orgCodeCheck(d.CreditCode[8:17]); err != nil {
			t.Errorf("department %s %s: organisation code: %v", d.Key, d.Name, err)
		}
		if _, ok := meizhou[d.RegionCode]; !ok {
			t.Errorf("department %s %s: region %q is not 梅州市 or one of its counties", d.Key, d.Name, d.RegionCode)
		}
		if (d.Level == domain.LevelCity) != (d.RegionCode == "441400") || d.Level != domain.LevelCity && d.Level != domain.LevelCounty {
			t.Errorf("department %s %s: level %s does not match region %s", d.Key, d.Name, d.Level, d.RegionCode)
		}
		if d.ParentKey != "" {
			p, ok := depts[d.ParentKey]
			if !ok || p.Level != domain.LevelCity || d.Level != domain.LevelCounty {
				t.Errorf("department %s %s: parent %q must be an existing city department of a county department", d.Key, d.Name, d.ParentKey)
			}
		}
		if d.Level == domain.LevelCounty {
			county++
		}
	}
	if county < 2 {
		t.Errorf("%d county departments, want at least 2", county)
	}
	// Every department is the source of some resource (MZ 11, MZ 12).
	for _, d := range Catalogue.Departments {
		if !slices.ContainsFunc(Catalogue.Resources, func(r Resource) bool { return r.Source == d.Key }) {
			t.Errorf("department %s %s is the source of no resource (MZ 12)", d.Key, d.Name)
		}
	}
}

// orgCodeCheck checks the 9-character organisation code inside a credit
// code against GB 11714.
func orgCodeCheck(code string) error {
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		c := code[i]
		switch {
		case c >= '0' && c <= '9':
			sum += int(c-'0') * weights[i]
		case c >= 'A' && c <= 'Z':
			sum += int(c-'A'+10) * weights[i]
		default:
			return fmt.Errorf("%q: character %d", code, i+1)
		}
	}
	want := byte('0' + (11-sum%11)%11)
	if 11-sum%11 == 10 {
		want = 'X'
	}
	if code[8] != want {
		return fmt.Errorf("%q: check character %c, GB 11714 gives %c", code, code[8], want)
	}
	return nil
}

func TestResourceCounts(t *testing.T) {
	rs := Catalogue.Resources
	if len(rs) < 64 {
		t.Errorf("%d resources, want at least 64", len(rs))
	}
	codes := map[string]bool{}
	for _, r := range rs {
		if codes[r.Code] {
			t.Errorf("%s %s: rule %q", r.Code, r.Name, "resource codes are unique (MZ 7)")
		}
		codes[r.Code] = true
	}

	combos := map[[2]string]int{}
	status := map[domain.ResourceStatus]int{}
	freq := map[domain.UpdateFrequency]int{}
	unconditional, bulk, personal, personalConditional, personalClosed := 0, 0, 0, 0, 0
	for _, r := range rs {
		status[r.Status]++
		freq[r.Frequency]++
		if r.Status == domain.StatusPublished {
			combos[[2]string{string(r.ShareType), string(r.OpenType)}]++
		}
		if r.ShareType == domain.ShareUnconditional {
			unconditional++
		}
		if slices.Contains(r.ShareModes, domain.ModeBulk) {
			bulk++
		}
		if hasPersonal(r) {
			personal++
			if r.ShareType == domain.ShareConditional {
				personalConditional++
			}
			if r.OpenType == domain.OpenNone {
				personalClosed++
			}
		}
	}
	for _, s := range shareTypes {
		for _, o := range openTypes {
			if n := combos[[2]string{string(s), string(o)}]; n < 2 {
				t.Errorf("share %s × open %s: %d published resources, want at least 2", s, o, n)
			}
		}
	}
	for _, s := range []domain.ResourceStatus{domain.StatusDraft, domain.StatusSubmitted, domain.StatusReturned, domain.StatusRetired} {
		if status[s] < 2 {
			t.Errorf("status %s: %d resources, want at least 2", s, status[s])
		}
	}
	if status[domain.StatusPublished]*2 <= len(rs) {
		t.Errorf("%d of %d resources published, want most", status[domain.StatusPublished], len(rs))
	}
	for _, f := range frequencies {
		if freq[f] == 0 {
			t.Errorf("update frequency %s is not used (MZ 13)", f)
		}
	}
	if unconditional*2 <= len(rs) {
		t.Errorf("%d of %d resources unconditionally shared: sharing is the rule (MZ 20, QY 15, NY 37, WZ 13)", unconditional, len(rs))
	}
	if bulk == 0 || bulk > 5 {
		t.Errorf("%d resources offer BULK, want a few (1–5): bulk export is the exception (MZ 21, WZ 21)", bulk)
	}
	if personalConditional*2 <= personal || personalClosed*2 <= personal {
		t.Errorf("of %d resources with personal data, %d conditionally shared and %d not open: want most of each", personal, personalConditional, personalClosed)
	}
	// The public catalogue fits one page of the API (domain.MaxPageSize).
	public := 0
	for _, r := range rs {
		if r.Status == domain.StatusPublished && r.OpenType != domain.OpenNone {
			public++
		}
	}
	if public > domain.MaxPageSize {
		t.Errorf("%d openly listed resources, more than one page of %d", public, domain.MaxPageSize)
	}
	// Server tests search for this entry by name (户籍 finds 户籍登记数据).
	if !slices.ContainsFunc(rs, func(r Resource) bool {
		return r.Name == "户籍登记数据" && r.Status == domain.StatusPublished && r.OpenType != domain.OpenNone && strings.Contains(r.Summary, "户籍")
	}) {
		t.Error("no published, openly listed 户籍登记数据 whose summary mentions 户籍")
	}
}

func TestElements(t *testing.T) {
	if n := len(Catalogue.Elements); n < 10 {
		t.Errorf("%d data elements, want about a dozen or more", n)
	}
	depts := departmentsByKey()
	codes, names := map[string]bool{}, map[string]bool{}
	for _, e := range Catalogue.Elements {
		if codes[e.Code] || names[e.Name] {
			t.Errorf("element %s %s: rule %q", e.Code, e.Name, "an element is declared once, with one source (一数一源, MZ 11)")
		}
		codes[e.Code], names[e.Name] = true, true
		if _, ok := depts[e.Source]; !ok {
			t.Errorf("element %s %s: unknown source department %q", e.Code, e.Name, e.Source)
		}
		if !slices.ContainsFunc(Catalogue.Resources, func(r Resource) bool { return slices.Contains(r.Elements, e.Code) }) {
			t.Errorf("element %s %s is carried by no resource", e.Code, e.Name)
		}
	}
}

func TestThemes(t *testing.T) {
	depts := departmentsByKey()
	byCode := map[string]Resource{}
	for _, r := range Catalogue.Resources {
		byCode[r.Code] = r
	}
	var base []string
	others, codes := 0, map[string]bool{}
	for _, th := range Catalogue.Themes {
		if codes[th.Code] {
			t.Errorf("theme database %s %s: code not unique", th.Code, th.Name)
		}
		codes[th.Code] = true
		if _, ok := depts[th.Lead]; !ok {
			t.Errorf("theme database %s %s: unknown lead department %q", th.Code, th.Name, th.Lead)
		}
		sources, seen := map[string]bool{}, map[string]bool{}
		for _, code := range th.Resources {
			r, ok := byCode[code]
			if !ok {
				t.Errorf("theme database %s %s: unknown resource %q", th.Code, th.Name, code)
				continue
			}
			if seen[code] {
				t.Errorf("theme database %s %s: resource %s listed twice", th.Code, th.Name, code)
			}
			seen[code] = true
			sources[r.Source] = true
		}
		switch th.Kind {
		case domain.KindBase:
			base = append(base, th.Name)
			if len(th.Resources) < 3 {
				t.Errorf("base database %s %s draws on %d resources", th.Code, th.Name, len(th.Resources))
			}
		case domain.KindTheme, domain.KindSpecial:
			others++
			if len(sources) < 3 {
				t.Errorf("theme database %s %s: rule %q: %d source departments", th.Code, th.Name,
					"a theme database draws on several departments (MZ 14, NY 30)", len(sources))
			}
		default:
			t.Errorf("theme database %s %s: kind %q", th.Code, th.Name, th.Kind)
		}
	}
	slices.Sort(base)
	want := []string{"人口基础库", "法人基础库", "自然资源和空间地理基础库", "电子证照基础库", "社会信用基础库"}
	slices.Sort(want)
	if !slices.Equal(base, want) {
		t.Errorf("base databases %v, want the five of MZ 14, NY 37, WZ 18: %v", base, want)
	}
	if others < 3 {
		t.Errorf("%d theme or special databases, want at least 3", others)
	}
}

// TestRulesCatchViolations makes sure each resource rule refuses a resource
// that breaks it, so a green TestResourceRules means something.
func TestRulesCatchViolations(t *testing.T) {
	var good Resource
	for _, r := range Catalogue.Resources {
		if r.Code == "441400-GA-002" { // conditional share, personal data, carries an element
			good = r
		}
	}
	if good.Code == "" {
		t.Fatal("441400-GA-002 not in the catalogue")
	}
	tests := []struct {
		rule   string // a unique part of the rule's name
		mutate func(r *Resource)
	}{
		{"region-department-sequence", func(r *Resource) { r.Code = "441403-GA-002" }},
		{"required catalogue elements", func(r *Resource) { r.Summary = "" }},
		{"required catalogue elements", func(r *Resource) { r.Format = "Excel" }},
		{"departments exist", func(r *Resource) { r.Approving = "nobody" }},
		{"conditional share states", func(r *Resource) { r.ShareConditions = "" }},
		{"conditional share states", func(r *Resource) { r.LegalBasis = "" }},
		{"no share has a basis", func(r *Resource) {
			r.ShareType, r.ShareModes, r.NoneShareFiling = domain.ShareNone, []domain.ShareMode{domain.ModeVerify}, ""
		}},
		{"no share has a basis", func(r *Resource) { r.NoneShareFiling = "梅政数备〔2024〕1号" }},
		{"no share may only be verified", func(r *Resource) {
			r.ShareType, r.NoneShareFiling = domain.ShareNone, "梅政数备〔2024〕1号"
			r.ShareModes = []domain.ShareMode{domain.ModeVerify, domain.ModeQuery}
		}},
		{"share modes are given", func(r *Resource) { r.ShareModes = nil }},
		{"share modes are given", func(r *Resource) { r.ShareModes = []domain.ShareMode{domain.ModeQuery, domain.ModeQuery} }},
		{"bulk only", func(r *Resource) { r.ShareModes = []domain.ShareMode{domain.ModeBulk} }},
		{"conditional open states", func(r *Resource) { r.OpenType, r.OpenConditions = domain.OpenConditional, "" }},
		{"no open has a basis", func(r *Resource) { r.LegalBasis = "" }},
		{"never unconditionally open", func(r *Resource) { r.OpenType = domain.OpenUnconditional }},
		{"publication date", func(r *Resource) { r.PublishedOn = "" }},
		{"publication date", func(r *Resource) { r.Status = domain.StatusDraft }},
		{"say why in the review notes", func(r *Resource) { r.Status, r.PublishedOn, r.ReviewNotes = domain.StatusReturned, "", "" }},
		{"3 to 8 data items", func(r *Resource) { r.Items = r.Items[:2] }},
		{"3 to 8 data items", func(r *Resource) { r.Items = append(slices.Clone(r.Items), r.Items[0]) }},
		{"3 to 8 data items", func(r *Resource) {
			r.Items = slices.Clone(r.Items)
			r.Items[0].Type = "VARCHAR"
		}},
		{"sample records", func(r *Resource) { r.Sample = r.Sample[:1] }},
		{"sample records", func(r *Resource) { r.Sample = []map[string]string{{"不存在": "x"}, r.Sample[0]} }},
		{"well-formed", func(r *Resource) {
			r.Sample = []map[string]string{{"公民身份号码": "441402198503120011"}, r.Sample[0]}
		}},
		{"well-formed", func(r *Resource) { r.Sample = []map[string]string{{"联系电话": "0753-2288110"}, r.Sample[0]} }},
		{"well-formed", func(r *Resource) { r.Sample = []map[string]string{{"登记日期": "2024-02-30"}, r.Sample[0]} }},
		{"一数一源", func(r *Resource) { r.Elements = []string{"DE-03"} }},
		{"一数一源", func(r *Resource) { r.Elements = []string{"DE-99"} }},
	}
	find := func(part string) func(Resource) error {
		var found func(Resource) error
		for _, rule := range resourceRules {
			if strings.Contains(rule.name, part) {
				if found != nil {
					t.Fatalf("%q names more than one rule", part)
				}
				found = rule.check
			}
		}
		if found == nil {
			t.Fatalf("no rule named like %q", part)
		}
		return found
	}
	for _, tt := range tests {
		check := find(tt.rule)
		if err := check(good); err != nil {
			t.Fatalf("rule %q refuses the good resource: %v", tt.rule, err)
		}
		bad := good
		tt.mutate(&bad)
		if err := check(bad); err == nil {
			t.Errorf("rule %q accepts a resource that breaks it", tt.rule)
		}
	}
}
