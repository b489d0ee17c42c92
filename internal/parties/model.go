// Package parties holds the test organisations, persons and their roles:
// ER roles from the Central Coordinating Register (DAGL, REGN, REVI, ...)
// and Altinn's access-manager role.
package parties

import (
	"github.com/google/uuid"
)

// Organization is an entity in the Central Coordinating Register.
type Organization struct {
	OrgNo     string    `json:"orgNo"`
	Name      string    `json:"name"`
	OrgForm   string    `json:"orgForm"`
	PartyID   int64     `json:"partyId"`
	PartyUUID uuid.UUID `json:"partyUuid"`
}

// Person is a test person who can log in to the portal.
type Person struct {
	PID       string    `json:"pid"`
	Name      string    `json:"name"`
	PartyID   int64     `json:"partyId"`
	PartyUUID uuid.UUID `json:"partyUuid"`
	UserID    int64     `json:"userId"`
}

// Role is a role registered on OrgNo, held by a person or an organisation.
type Role struct {
	OrgNo       string `json:"orgNo"`
	RoleCode    string `json:"roleCode"`
	Source      string `json:"source"` // "ccr" (ER) or "altinn"
	HolderPID   string `json:"holderPid,omitempty"`
	HolderOrgNo string `json:"holderOrgNo,omitempty"`
}

// Role codes the emulator gives meaning to.
const (
	RoleDAGL          = "DAGL"           // daglig leder
	RoleLEDE          = "LEDE"           // styrets leder
	RoleINNH          = "INNH"           // innehaver (sole proprietor)
	RoleREGN          = "REGN"           // regnskapsfører
	RoleREVI          = "REVI"           // revisor
	RoleAccessManager = "ACCESS_MANAGER" // Altinn's tilgangsstyrer
)

// managingRoles are the roles that may manage an organisation's access
// (approve system users, delegate clients): the "main administrator"
// roles of Altinn plus the explicit access-manager role.
var managingRoles = map[string]bool{
	RoleDAGL: true, RoleLEDE: true, RoleINNH: true, RoleAccessManager: true,
	"DTPR": true, "DTSO": true, "KOMP": true, "BEST": true,
}

// CanManageAccess says whether a role lets its holder approve system users
// and manage access for the organisation.
func CanManageAccess(roleCode string) bool { return managingRoles[roleCode] }

// PersonWithRoles is a person and the organisations they can act for.
type PersonWithRoles struct {
	Person
	Roles []RoleAt `json:"roles"`
}

// RoleAt is a person's role at one organisation.
type RoleAt struct {
	Org      Organization `json:"organization"`
	RoleCode string       `json:"roleCode"`
}
