// Package amdto holds the shapes Access Management's APIs share across
// its controllers (its contract's CompactEntityDto and CompactRoleDto),
// so the client delegation API (systemusers) and the Maskinporten
// delegation APIs (apidelegation) write them alike.
package amdto

import "github.com/google/uuid"

// CompactEntity is CompactEntityDto of an organisation or a person (the
// fields that do not apply are null).
type CompactEntity struct {
	ID                     uuid.UUID `json:"id"`
	Name                   string    `json:"name"`
	Type                   string    `json:"type"`
	Variant                string    `json:"variant"`
	Parent                 any       `json:"parent"`
	Children               any       `json:"children"`
	PartyID                int64     `json:"partyid"`
	UserID                 *int64    `json:"userId"`
	Username               *string   `json:"username"`
	OrganizationIdentifier string    `json:"organizationIdentifier"`
	PersonIdentifier       *string   `json:"personIdentifier"`
	DateOfBirth            *string   `json:"dateOfBirth"`
	DateOfDeath            *string   `json:"dateOfDeath"`
	IsDeleted              bool      `json:"isDeleted"`
	DeletedAt              *string   `json:"deletedAt"`
}

// CompactRole is CompactRoleDto; upstream's property name for the legacy
// URN has a trailing space ("legacyurn "), kept; null for a role without
// one.
type CompactRole struct {
	ID        uuid.UUID `json:"id"`
	Code      string    `json:"code"`
	URN       string    `json:"urn"`
	LegacyURN *string   `json:"legacyurn "`
	Children  any       `json:"children"`
}
