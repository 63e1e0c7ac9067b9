// Package holidays holds the State Council's public-holiday schedules,
// 2019–2026, in the holiday-cn JSON format (MIT licence, see LICENSE),
// which seed the working-day calendar. Later years are added through the
// API (addHolidaySchedule) as the State Council publishes them, in
// December for the next year.
package holidays

import "embed"

// FS holds one file per year, named YYYY.json.
//
//go:embed *.json
var FS embed.FS
