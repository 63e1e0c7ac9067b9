package domain

import "testing"

func TestInOpenCatalogue(t *testing.T) {
	for _, tc := range []struct {
		status ResourceStatus
		open   OpenType
		want   bool
	}{
		{StatusPublished, OpenUnconditional, true},
		{StatusPublished, OpenConditional, true},
		{StatusPublished, OpenNone, false},
		{StatusDraft, OpenUnconditional, false},
		{StatusSubmitted, OpenConditional, false},
		{StatusReturned, OpenUnconditional, false},
		{StatusRetired, OpenUnconditional, false},
		{StatusRetired, OpenNone, false},
	} {
		t.Run(string(tc.status)+"/"+string(tc.open), func(t *testing.T) {
			if got := InOpenCatalogue(&Resource{Status: tc.status, OpenType: tc.open}); got != tc.want {
				t.Errorf("InOpenCatalogue = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEUFrequency(t *testing.T) {
	for _, tc := range []struct {
		f    UpdateFrequency
		want string
	}{
		{FreqRealTime, "UPDATE_CONT"},
		{FreqDaily, "DAILY"},
		{FreqWeekly, "WEEKLY"},
		{FreqMonthly, "MONTHLY"},
		{FreqQuarterly, "QUARTERLY"},
		{FreqHalfYearly, "ANNUAL_2"},
		{FreqYearly, "ANNUAL"},
		{FreqIrregular, "IRREG"},
		{"FORTNIGHTLY", ""},
		{"", ""},
	} {
		t.Run(string(tc.f), func(t *testing.T) {
			got, ok := EUFrequency(tc.f)
			if tc.want == "" {
				if ok || got != "" {
					t.Fatalf("EUFrequency(%q) = %q, %v; want no mapping", tc.f, got, ok)
				}
				return
			}
			if !ok || got != "http://publications.europa.eu/resource/authority/frequency/"+tc.want {
				t.Fatalf("EUFrequency(%q) = %q, %v; want frequency/%s", tc.f, got, ok, tc.want)
			}
		})
	}
}

func TestEUAccessRight(t *testing.T) {
	for _, tc := range []struct {
		o    OpenType
		want string
	}{
		{OpenUnconditional, "PUBLIC"},
		{OpenConditional, "RESTRICTED"},
		{OpenNone, ""},
		{"", ""},
	} {
		t.Run(string(tc.o), func(t *testing.T) {
			got, ok := EUAccessRight(tc.o)
			if tc.want == "" {
				if ok || got != "" {
					t.Fatalf("EUAccessRight(%q) = %q, %v; want none (not in the open catalogue)", tc.o, got, ok)
				}
				return
			}
			if !ok || got != "http://publications.europa.eu/resource/authority/access-right/"+tc.want {
				t.Fatalf("EUAccessRight(%q) = %q, %v; want access-right/%s", tc.o, got, ok, tc.want)
			}
		})
	}
}

func TestEUFileType(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   string
	}{
		{"JSON", "JSON"},
		{"json", "JSON"},
		{" XML ", "XML"},
		{".csv", "CSV"},
		{"xlsx", "XLSX"},
		{"jpg", "JPEG"},
		{"Turtle", "RDF_TURTLE"},
		{"JSON-LD", "JSON_LD"},
		// The catalogue's generic forms name no file type: no guess.
		{"数据库", ""},
		{"电子表格", ""},
		{"文件", ""},
		{"图片", ""},
		{"", ""},
	} {
		t.Run(tc.format, func(t *testing.T) {
			got, ok := EUFileType(tc.format)
			if tc.want == "" {
				if ok || got != "" {
					t.Fatalf("EUFileType(%q) = %q, %v; want no mapping", tc.format, got, ok)
				}
				return
			}
			if !ok || got != "http://publications.europa.eu/resource/authority/file-type/"+tc.want {
				t.Fatalf("EUFileType(%q) = %q, %v; want file-type/%s", tc.format, got, ok, tc.want)
			}
		})
	}
}
