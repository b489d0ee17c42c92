package systemusers

import (
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// The platform's AUTH problem codes (spec §0.1, src/Core/Problems/Problem.cs)
// used by system users and requests. Titles are the platform's descriptor
// texts in spirit; the code and status are what clients match on.
var (
	ReporteeOrgNoNotFound            = problem.Descriptor{Code: "AUTH-00000", Status: http.StatusBadRequest, Title: "Can't resolve the Organisation Number from the PartyId for the Reportee."}
	RightsNotFoundOrNotDelegable     = problem.Descriptor{Code: "AUTH-00001", Status: http.StatusBadRequest, Title: "The Rights are not found or not delegable."}
	SystemUserAlreadyExists          = problem.Descriptor{Code: "AUTH-00004", Status: http.StatusBadRequest, Title: "The SystemUser already exists."}
	ExternalRequestIDAlreadyAccepted = problem.Descriptor{Code: "AUTH-00006", Status: http.StatusBadRequest, Title: "The Id is already in use for an Accepted Request."}
	ExternalRequestIDPending         = problem.Descriptor{Code: "AUTH-00007", Status: http.StatusBadRequest, Title: "The Id refers to a pending Request, please reuse or delete."}
	ExternalRequestIDDenied          = problem.Descriptor{Code: "AUTH-00008", Status: http.StatusBadRequest, Title: "The Id refers to a Denied Request."}
	ExternalRequestIDRejected        = problem.Descriptor{Code: "AUTH-00009", Status: http.StatusBadRequest, Title: "The Id refers to a Rejected Request."}
	RequestNotFound                  = problem.Descriptor{Code: "AUTH-00010", Status: http.StatusNotFound, Title: "The Id does not refer to a Request in our system."}
	SystemIDNotFound                 = problem.Descriptor{Code: "AUTH-00011", Status: http.StatusNotFound, Title: "The Id does not refer to a Registered System."}
	RequestStatusNotNew              = problem.Descriptor{Code: "AUTH-00013", Status: http.StatusConflict, Title: "The Status of the Request is not New."}
	SystemUserNotFound               = problem.Descriptor{Code: "AUTH-00015", Status: http.StatusNotFound, Title: "The SystemUser was not found."}
	SystemNameNotFound               = problem.Descriptor{Code: "AUTH-00017", Status: http.StatusNotFound, Title: "The SystemName was not found."}
	RedirectURINotFound              = problem.Descriptor{Code: "AUTH-00021", Status: http.StatusBadRequest, Title: "The RedirectUri was not found or not valid."}
	VendorOrgNoNotFound              = problem.Descriptor{Code: "AUTH-00023", Status: http.StatusUnauthorized, Title: "Can't resolve the Organisation Number for the Vendor from the Token."}
	DeleteSystemUserNotOwned         = problem.Descriptor{Code: "AUTH-00024", Status: http.StatusForbidden, Title: "The SystemUser is not owned by the party."}
	NotAnAgentRequest                = problem.Descriptor{Code: "AUTH-00025", Status: http.StatusBadRequest, Title: "The Id is valid, but not an Agent Request."}
	NoRedirectURIsFoundOnSystem      = problem.Descriptor{Code: "AUTH-00026", Status: http.StatusBadRequest, Title: "No RedirectUris are registered on the System."}
	AgentRequestNotFound             = problem.Descriptor{Code: "AUTH-00030", Status: http.StatusNotFound, Title: "The Id does not refer to an AgentRequest in our system."}
	ExpectedAgentUserType            = problem.Descriptor{Code: "AUTH-00034", Status: http.StatusBadRequest, Title: "The SystemUser is not of type Agent."}
	AgentHasDelegations              = problem.Descriptor{Code: "AUTH-00035", Status: http.StatusBadRequest, Title: "The agent SystemUser still has client delegations; remove them first."}
	ExpectedStandardUserType         = problem.Descriptor{Code: "AUTH-00036", Status: http.StatusBadRequest, Title: "The SystemUser is not of type Standard."}
	DelegationNotFound               = problem.Descriptor{Code: "AUTH-00038", Status: http.StatusBadRequest, Title: "The client delegation was not found."}
	InvalidDelegationFacilitator     = problem.Descriptor{Code: "AUTH-00039", Status: http.StatusBadRequest, Title: "The facilitator is not the owner of the agent SystemUser."}
	PartyRequestMismatch             = problem.Descriptor{Code: "AUTH-00041", Status: http.StatusForbidden, Title: "The party does not match the Request's party."}
	PartyAgentRequestMismatch        = problem.Descriptor{Code: "AUTH-00042", Status: http.StatusForbidden, Title: "The party does not match the AgentRequest's party."}
	MissingAccessPackage             = problem.Descriptor{Code: "AUTH-00058", Status: http.StatusBadRequest, Title: "An agent SystemUser must have at least one AccessPackage."}
	MissingRightsOrAccessPackages    = problem.Descriptor{Code: "AUTH-00059", Status: http.StatusBadRequest, Title: "A SystemUser must have at least one Right or AccessPackage."}
	ChangeRequestStatusNotNew        = problem.Descriptor{Code: "AUTH-00061", Status: http.StatusConflict, Title: "A ChangeRequest with this correlation id exists and is not New."}
	AccessPackageNotFound            = problem.Descriptor{Code: "AUTH-00063", Status: http.StatusBadRequest, Title: "The AccessPackage is not registered on the System."}
	AccessPackageNotDelegableStd     = problem.Descriptor{Code: "AUTH-00064", Status: http.StatusBadRequest, Title: "The AccessPackage can not be delegated to a standard SystemUser."}
	AccessPackageNotDelegableAgent   = problem.Descriptor{Code: "AUTH-00065", Status: http.StatusBadRequest, Title: "The AccessPackage is not meant for client relations (agent SystemUser)."}
	UserIsNotAccessManager           = problem.Descriptor{Code: "AUTH-00066", Status: http.StatusForbidden, Title: "The user is not an access manager for the party."}
	ClientNotFound                   = problem.Descriptor{Code: "AUTH-00079", Status: http.StatusBadRequest, Title: "The client is not a client of the facilitator."}
	ClientMissingAccessPackages      = problem.Descriptor{Code: "AUTH-00080", Status: http.StatusBadRequest, Title: "The client lacks access packages the agent SystemUser requires."}
)

// Validation errors of the client-delegation API (spec §3.2).
var (
	VldMissingSystemUserID = problem.ValidationDescriptor{Code: "AUTH.VLD-00014", Title: "agent query parameter is missing or invalid"}
	VldSystemUserNotFound  = problem.ValidationDescriptor{Code: "AUTH.VLD-00014", Title: "System user not found"}
	VldNotAgent            = problem.ValidationDescriptor{Code: "AUTH.VLD-00015", Title: "System user is not of type agent"}
	VldMissingClient       = problem.ValidationDescriptor{Code: "AUTH.VLD-00016", Title: "client query parameter is missing or invalid"}
)
