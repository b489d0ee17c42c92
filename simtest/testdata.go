package simtest

// Seeded test data (the README's "Test data" lists all of it; GET
// /sim/api/v1/parties/organizations and /persons return it).
const (
	// VendorOrg is Digitaliseringsdirektoratet, the vendor of the
	// platform docs' examples.
	VendorOrg = "991825827"
	// CustomerOrg is Rakrygget Spesifikk Tiger AS, a customer.
	CustomerOrg = "313725138"
	// CustomerManagerPID is Tiril Tiger, daglig leder of CustomerOrg: she
	// may approve its requests.
	CustomerManagerPID = "12857841016"
	// NoRolesPID is Kari Uten Roller, who holds no role anywhere: the
	// portal refuses her approval.
	NoRolesPID = "21857841058"
	// AccountingFirmOrg is Regnskapshuset Simulert AS, an accounting firm
	// (REGN for 310385980 and 314168267): the customer of agent requests.
	AccountingFirmOrg = "312605031"
	// AccountingFirmManagerPID is Regine Regnskap, its daglig leder.
	AccountingFirmManagerPID = "18857841030"
	// Resource is the seeded resource kravogbetaling (owned by
	// ServiceOwnerOrg) a system can ask rights for.
	Resource = "kravogbetaling"
)
