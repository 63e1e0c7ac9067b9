package domain

import (
	"sort"
	"strings"
	"time"
)

// Deadline kinds: the numbers of working days a city's regulation sets
// (DOMAIN.md "Deadlines differ by city").
type DeadlineKind string

const (
	// DeadlineCatalogueReview: the authority reviews a submitted entry.
	DeadlineCatalogueReview DeadlineKind = "CATALOGUE_REVIEW"
	// DeadlineCatalogueUpdate: a department updates its catalogue after
	// its legal basis or duties change.
	DeadlineCatalogueUpdate DeadlineKind = "CATALOGUE_UPDATE"
	// DeadlineShareAnswer: the source answers a conditional share request.
	DeadlineShareAnswer DeadlineKind = "SHARE_ANSWER"
	// DeadlineErrorVerify: the source verifies a reported data error.
	DeadlineErrorVerify DeadlineKind = "ERROR_VERIFY"
	// DeadlineErrorCorrect: the source corrects a confirmed error, counted
	// from the verification.
	DeadlineErrorCorrect DeadlineKind = "ERROR_CORRECT"
	// DeadlineOpenAnswer: the source answers an open request.
	DeadlineOpenAnswer DeadlineKind = "OPEN_ANSWER"
	// DeadlineOpenObjection: the source answers an objection to the open
	// catalogue.
	DeadlineOpenObjection DeadlineKind = "OPEN_OBJECTION"
)

// DeadlineKinds lists every kind, in the order profiles present them.
var DeadlineKinds = []DeadlineKind{
	DeadlineCatalogueReview, DeadlineCatalogueUpdate, DeadlineShareAnswer,
	DeadlineErrorVerify, DeadlineErrorCorrect, DeadlineOpenAnswer, DeadlineOpenObjection,
}

// Rule is one number of a profile.
type Rule struct {
	Kind DeadlineKind
	// Days is the number of working days.
	Days int
	// Extension is how many working days one extension may add; 0 means
	// the regulation allows none.
	Extension int
	// Citation names the article the number comes from, or says the
	// regulation sets none and the default applies.
	Citation string
	// Defaulted: the regulation sets no number; Days is the default's.
	Defaulted bool
}

// Profile is one city's numbers.
type Profile struct {
	Name       string
	Title      string
	Regulation string
	Rules      map[DeadlineKind]Rule
	// FullReview is how often a department checks its whole catalogue.
	FullReview FullReviewRule
}

// FullReviewRule is the period of a department's full check of its own
// catalogue (QY 8: 每年至少全面核查一次).
type FullReviewRule struct {
	Months    int
	Citation  string
	Defaulted bool
}

// defaultFullReview: only Qingyang sets a period (QY 8); the others ask
// for dynamic maintenance without one (MZ 8, NY 22, WZ 11), so they fall
// back to Qingyang's year, as the deadlines fall back to the default's.
var defaultFullReview = FullReviewRule{Months: 12, Citation: "default: every 12 months, as QY 8"}

// Rule returns the profile's rule for kind.
func (p Profile) Rule(kind DeadlineKind) Rule { return p.Rules[kind] }

// defaultRules are the numbers of the documented default profile: where a
// regulation sets no number, the most common number among the five
// regulations for the same duty, so no profile is stricter or laxer than
// its peers without a text to say so.
var defaultRules = map[DeadlineKind]Rule{
	DeadlineCatalogueReview: {Days: 5, Citation: "default: 5, as MZ 7 and NY 22"},
	DeadlineCatalogueUpdate: {Days: 15, Citation: "default: 15, as MZ 8 and QY 8"},
	DeadlineShareAnswer:     {Days: 7, Citation: "default: 7, as QY 16 and WZ 20"},
	DeadlineErrorVerify:     {Days: 5, Citation: "default: 5, as MZ 23, QY 18, NY 65 and WZ 23"},
	DeadlineErrorCorrect:    {Days: 10, Citation: "default: 10, as MZ 23 and NY 65"},
	DeadlineOpenAnswer:      {Days: 15, Citation: "default: 15, as QY 24"},
	DeadlineOpenObjection:   {Days: 10, Citation: "default: 10, as NY 45"},
}

// The five cities' numbers, each with its article. A kind a regulation is
// silent on falls back to the default and says so.
var cityRules = map[string]struct {
	title, regulation string
	// fullReview is the regulation's own period; zero: the default.
	fullReview FullReviewRule
	rules      map[DeadlineKind]Rule
}{
	"meizhou": {"梅州市", "梅州市公共数据管理办法 (2023)", FullReviewRule{}, map[DeadlineKind]Rule{
		// MZ 7: 公共数据主管部门在5个工作日内完成审定.
		DeadlineCatalogueReview: {Days: 5, Citation: "MZ 7"},
		// MZ 8: 在15个工作日内更新本机构公共数据资源目录.
		DeadlineCatalogueUpdate: {Days: 15, Citation: "MZ 8"},
		// MZ 21: 数源部门在5个工作日内予以答复.
		DeadlineShareAnswer: {Days: 5, Citation: "MZ 21"},
		// MZ 23: 5个工作日内完成核实 … 核实后10个工作日内完成数据治理.
		DeadlineErrorVerify:  {Days: 5, Citation: "MZ 23"},
		DeadlineErrorCorrect: {Days: 10, Citation: "MZ 23"},
	}},
	"qingyang": {"庆阳市", "庆阳市公共数据资源管理办法（试行）(2021)",
		// QY 8: 对本单位公共数据资源目录 … 每年至少全面核查一次.
		FullReviewRule{Months: 12, Citation: "QY 8"}, map[DeadlineKind]Rule{
			// QY 8: 自情形发生之日起十五个工作日内更新相关目录.
			DeadlineCatalogueUpdate: {Days: 15, Citation: "QY 8"},
			// QY 16(2): 提供单位应当在七个工作日内予以答复.
			DeadlineShareAnswer: {Days: 7, Citation: "QY 16(2)"},
			// QY 18: 在五个工作日内对数据进行核查.
			DeadlineErrorVerify: {Days: 5, Citation: "QY 18"},
			// QY 24(2): 应当在十五个工作日内答复.
			DeadlineOpenAnswer: {Days: 15, Citation: "QY 24(2)"},
		}},
	"nanyang": {"南阳市", "南阳市政务数据共享管理暂行办法 (2021)", FullReviewRule{}, map[DeadlineKind]Rule{
		// NY 22: 收到更新申请之日起5个工作日内审核; 职能发生变更之日起5个工作日内申请更新.
		DeadlineCatalogueReview: {Days: 5, Citation: "NY 22"},
		DeadlineCatalogueUpdate: {Days: 5, Citation: "NY 22"},
		// NY 65: 5个工作日内核实 … 作出决定起10个工作日内更正.
		DeadlineErrorVerify:  {Days: 5, Citation: "NY 65"},
		DeadlineErrorCorrect: {Days: 10, Citation: "NY 65"},
		// NY 46: 10个工作日内予以答复 … 延长答复期限不得超过10个工作日.
		DeadlineOpenAnswer: {Days: 10, Extension: 10, Citation: "NY 46"},
		// NY 45: 10个工作日内予以答复 … 延长不得超过10个工作日.
		DeadlineOpenObjection: {Days: 10, Extension: 10, Citation: "NY 45"},
	}},
	"wenzhou": {"温州市", "温州市公共数据共享开放管理暂行办法 (2020)", FullReviewRule{}, map[DeadlineKind]Rule{
		// WZ 11: 应在5个工作日内, 对数据资源目录进行更新.
		DeadlineCatalogueUpdate: {Days: 5, Citation: "WZ 11"},
		// WZ 20: 数源部门应在7个工作日内予以答复.
		DeadlineShareAnswer: {Days: 7, Citation: "WZ 20"},
		// WZ 23: 5个工作日内予以校核; 经数源部门负责人同意延长, 最长不得超过15个工作日.
		DeadlineErrorVerify: {Days: 5, Extension: 10, Citation: "WZ 23 (extension to at most 15 working days in all)"},
	}},
	"jiangmen": {"江门市", "江门市公共数据共享和开放利用管理办法 (2023)", FullReviewRule{}, map[DeadlineKind]Rule{}},
	"default":  {"Default", "no regulation: the documented defaults", FullReviewRule{}, map[DeadlineKind]Rule{}},
}

// Profiles returns every profile by name, each with all kinds filled in.
func Profiles() map[string]Profile {
	out := make(map[string]Profile, len(cityRules))
	for name, c := range cityRules {
		p := Profile{Name: name, Title: c.title, Regulation: c.regulation, FullReview: c.fullReview, Rules: map[DeadlineKind]Rule{}}
		if p.FullReview.Months == 0 {
			p.FullReview = defaultFullReview
			p.FullReview.Defaulted = name != "default"
			if p.FullReview.Defaulted {
				p.FullReview.Citation = "the regulation sets no period; " + p.FullReview.Citation
			}
		}
		for _, k := range DeadlineKinds {
			r, ok := c.rules[k]
			if !ok {
				r = defaultRules[k]
				r.Defaulted = name != "default"
				if r.Defaulted {
					r.Citation = "the regulation sets no number; " + r.Citation
				}
			}
			r.Kind = k
			p.Rules[k] = r
		}
		out[name] = p
	}
	return out
}

// ProfileNames lists the profile names, sorted.
func ProfileNames() []string {
	names := make([]string, 0, len(cityRules))
	for n := range cityRules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupProfile returns the named profile, or a BAD_USER_INPUT error that
// lists the names.
func LookupProfile(name string) (Profile, error) {
	p, ok := Profiles()[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Profile{}, Errorf(EInvalid, "no policy profile %q: choose one of %s", name, strings.Join(ProfileNames(), ", "))
	}
	return p, nil
}

// Deadline is the deadline of kind under p for an event at t, counted on
// cal, with the article it comes from.
func (p Profile) Deadline(cal *Calendar, kind DeadlineKind, t time.Time) (Deadline, error) {
	r, ok := p.Rules[kind]
	if !ok {
		return Deadline{}, Errorf(EInternal, "profile %s has no rule for %s", p.Name, kind)
	}
	d, err := cal.DeadlineAfter(t, r.Days)
	if err != nil {
		return Deadline{}, err
	}
	d.Kind, d.Citation = kind, r.Citation
	return d, nil
}
