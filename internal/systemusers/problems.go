package systemusers

import (
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// The platform's AUTH problem codes (src/Core/Problems/Problem.cs)
// used by system users and requests. Titles are the platform's descriptor
// texts in spirit; the code and status are what clients match on.
var (
	ReporteeOrgNoNotFound            = problem.Descriptor{Code: "AUTH-00000", Status: http.StatusBadRequest, Title: "Can't resolve the Organisation Number from the logged in Reportee PartyId."}
	RightsNotFoundOrNotDelegable     = problem.Descriptor{Code: "AUTH-00001", Status: http.StatusBadRequest, Title: "One or more Right not found or not delegable."}
	SystemUserAlreadyExists          = problem.Descriptor{Code: "AUTH-00004", Status: http.StatusBadRequest, Title: "Failed to create new SystemUser, existing SystemUser tied to the given System-Id."}
	ExternalRequestIDAlreadyAccepted = problem.Descriptor{Code: "AUTH-00006", Status: http.StatusBadRequest, Title: "The combination of External Ids refer to an already Accepted SystemUser."}
	ExternalRequestIDPending         = problem.Descriptor{Code: "AUTH-00007", Status: http.StatusBadRequest, Title: "The combination of External Ids refer to a Pending Request, please reuse or delete."}
	ExternalRequestIDDenied          = problem.Descriptor{Code: "AUTH-00008", Status: http.StatusBadRequest, Title: "The combination of External Ids refer to a Denied Request, please delete and renew the Request."}
	ExternalRequestIDRejected        = problem.Descriptor{Code: "AUTH-00009", Status: http.StatusBadRequest, Title: "The combination of External Ids refer to a Rejected Request, please delete and renew the Request."}
	RequestNotFound                  = problem.Descriptor{Code: "AUTH-00010", Status: http.StatusNotFound, Title: "The Id does not refer to a Request in our system."}
	SystemIDNotFound                 = problem.Descriptor{Code: "AUTH-00011", Status: http.StatusNotFound, Title: "The Id does not refer to a Registered System."}
	RequestStatusNotNew              = problem.Descriptor{Code: "AUTH-00013", Status: http.StatusConflict, Title: "The Status of the Request is not New."}
	SystemUserNotFound               = problem.Descriptor{Code: "AUTH-00015", Status: http.StatusNotFound, Title: "The SystemUser was not found."}
	SystemNameNotFound               = problem.Descriptor{Code: "AUTH-00017", Status: http.StatusNotFound, Title: "The SystemName was not found."}
	RedirectURINotFound              = problem.Descriptor{Code: "AUTH-00021", Status: http.StatusBadRequest, Title: "The RedirectUri was not found or not valid."}
	VendorOrgNoNotFound              = problem.Descriptor{Code: "AUTH-00023", Status: http.StatusUnauthorized, Title: "Can't resolve the Organisation Number for the Vendor from the Token."}
	DeleteSystemUserNotOwned         = problem.Descriptor{Code: "AUTH-00024", Status: http.StatusForbidden, Title: "you don't have rights to delete this systemuser"}
	NotAnAgentRequest                = problem.Descriptor{Code: "AUTH-00025", Status: http.StatusBadRequest, Title: "The request id is valid but its not a valid request for creating an agent system user"}
	NoRedirectURIsFoundOnSystem      = problem.Descriptor{Code: "AUTH-00026", Status: http.StatusBadRequest, Title: "No redirect uris are set for the system"}
	AgentRequestNotFound             = problem.Descriptor{Code: "AUTH-00030", Status: http.StatusNotFound, Title: "The Id does not refer to an AgentRequest in our system."}
	ExpectedAgentUserType            = problem.Descriptor{Code: "AUTH-00034", Status: http.StatusBadRequest, Title: "The system user type of the provided system user GUID is not an agent."}
	AgentHasDelegations              = problem.Descriptor{Code: "AUTH-00035", Status: http.StatusBadRequest, Title: "The system user has delegations from customer. Remove the delegations before deleting the system user"}
	ExpectedStandardUserType         = problem.Descriptor{Code: "AUTH-00036", Status: http.StatusBadRequest, Title: "The system user type of the provided system user GUID is not standard."}
	DelegationNotFound               = problem.Descriptor{Code: "AUTH-00038", Status: http.StatusBadRequest, Title: "Delegation not found"}
	InvalidDelegationFacilitator     = problem.Descriptor{Code: "AUTH-00039", Status: http.StatusBadRequest, Title: "Party does not match delegation facilitator"}
	PartyRequestMismatch             = problem.Descriptor{Code: "AUTH-00041", Status: http.StatusForbidden, Title: "Party does not match request's orgno"}
	PartyAgentRequestMismatch        = problem.Descriptor{Code: "AUTH-00042", Status: http.StatusForbidden, Title: "Party does not match agent request's orgno"}
	MissingAccessPackage             = problem.Descriptor{Code: "AUTH-00058", Status: http.StatusBadRequest, Title: "No AccessPackages found, an Agent SystemUser must have at least one"}
	MissingRightsOrAccessPackages    = problem.Descriptor{Code: "AUTH-00059", Status: http.StatusBadRequest, Title: "No AccessPackages or Single Rights found, a SystemUser must have at least one"}
	ChangeRequestStatusNotNew        = problem.Descriptor{Code: "AUTH-00061", Status: http.StatusConflict, Title: "The Status of the Request is not New. Please generate a new CorrellationId for a new Change Request"}
	AccessPackageNotFound            = problem.Descriptor{Code: "AUTH-00063", Status: http.StatusBadRequest, Title: "One or more accesspackage is not found in the referenced system in the System Register."}
	AccessPackageNotDelegableStd     = problem.Descriptor{Code: "AUTH-00064", Status: http.StatusBadRequest, Title: "One or more access packages cannot be delegated. Either they are intended for clients or they cannot be delegated further."}
	AccessPackageNotDelegableAgent   = problem.Descriptor{Code: "AUTH-00065", Status: http.StatusBadRequest, Title: "One or more access packages cannot be delegated because they are not intended for client relationships"}
	FailedToGetClientsForbidden      = problem.Descriptor{Code: "AUTH-00044", Status: http.StatusForbidden, Title: "Forbidden"}
	FailedToGetClients               = problem.Descriptor{Code: "AUTH-00045", Status: http.StatusBadRequest, Title: "Failed to get clients"}
	UserIsNotAccessManager           = problem.Descriptor{Code: "AUTH-00066", Status: http.StatusForbidden, Title: "The request requires logged in user to have accessmanager write."}
	ClientNotFound                   = problem.Descriptor{Code: "AUTH-00079", Status: http.StatusBadRequest, Title: "Client not found."}
	ClientMissingAccessPackages      = problem.Descriptor{Code: "AUTH-00080", Status: http.StatusBadRequest, Title: "Client does not have the accesspackages the agent system user requires"}
)

// Validation errors of the client-delegation API.
var (
	VldMissingSystemUserID = problem.ValidationDescriptor{Code: "AUTH.VLD-00014", Title: "agent query parameter is missing or invalid"}
	VldSystemUserNotFound  = problem.ValidationDescriptor{Code: "AUTH.VLD-00014", Title: "System user not found"}
	VldNotAgent            = problem.ValidationDescriptor{Code: "AUTH.VLD-00015", Title: "System user is not of type agent"}
	VldMissingClient       = problem.ValidationDescriptor{Code: "AUTH.VLD-00016", Title: "client query parameter is missing or invalid"}
)
