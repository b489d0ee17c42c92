package portal

// Test helpers shared with the end-to-end tests in package portal_test,
// which run the whole app (apptest imports app, which imports portal).
var (
	NewBrowserForTest     = newBrowser
	NewVendorSiteForTest  = newVendorSite
	BrowserApproveForTest = browserApprove
	SaveScreenshotForTest = saveScreenshot
)
