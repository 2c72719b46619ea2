// Package insightstest helps test insights logs and reports: a hand-computed
// fixture week with its expected figures (CheckFixture), a generator of
// large realistic logs (Generate), and the behaviour tests every
// insights.Log implementation must pass (TestLog), run by the in-memory log
// and by the store backends alike.
package insightstest
