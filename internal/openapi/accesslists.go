package openapi

// The access lists' schemas and tag, kept in their own file (added to the
// document's tables at start).
func init() {
	TagDescriptions["Resource registry: access lists"] = "A service owner's access lists: organisations allowed a resource whose accessListMode is Enabled"
	s := components["schemas"].(map[string]any)
	date := map[string]any{"type": "string", "format": "date-time"}
	links := obj(map[string]any{"next": map[string]any{"type": []string{"string", "null"}, "format": "uri-reference"}}, "next")
	conn := obj(map[string]any{"resourceIdentifier": str, "actionFilters": strs, "createdAt": date, "updatedAt": date},
		"resourceIdentifier", "createdAt", "updatedAt")
	list := obj(map[string]any{"urn": str, "identifier": str, "name": str, "description": str, "createdAt": date, "updatedAt": date,
		"resourceConnections": map[string]any{"type": "array", "items": ref("AccessListConnection")}},
		"urn", "identifier", "name", "description", "createdAt", "updatedAt")
	member := obj(map[string]any{"id": map[string]any{"type": "string", "description": "urn:altinn:party:uuid:<uuid>"}, "since": date,
		"identifiers": map[string]any{"type": "object", "description": "urn:altinn:party:uuid, urn:altinn:party:id and urn:altinn:organization:identifier-no"}},
		"id", "since")
	typeValue := obj(map[string]any{"type": str, "value": str}, "type", "value")
	for k, v := range map[string]any{
		"AccessList":                 list,
		"AccessListArray":            map[string]any{"type": "array", "items": ref("AccessList")},
		"AccessListPage":             obj(map[string]any{"links": links, "data": map[string]any{"type": "array", "items": ref("AccessList")}}, "links", "data"),
		"AccessListUpsert":           obj(map[string]any{"name": str, "description": str}, "name"),
		"AccessListConnection":       conn,
		"AccessListConnectionPage":   obj(map[string]any{"links": links, "data": map[string]any{"type": "array", "items": ref("AccessListConnection")}}, "links", "data"),
		"AccessListConnectionUpsert": obj(map[string]any{"actionFilters": strs}),
		"AccessListMember":           member,
		"AccessListMemberPage":       obj(map[string]any{"links": links, "data": map[string]any{"type": "array", "items": ref("AccessListMember")}}, "links", "data"),
		"AccessListMembers": obj(map[string]any{"data": map[string]any{"type": "array", "items": str,
			"description": "urn:altinn:organization:identifier-no:<orgno>, urn:altinn:party:uuid:<uuid> or urn:altinn:party:id:<id>"}}, "data"),
		"AccessListMemberships": obj(map[string]any{"data": map[string]any{"type": "array", "items": obj(map[string]any{
			"party": str, "resource": str, "since": date, "actionFilters": strs}, "party", "resource", "since")}}, "data"),
		"AccessListAuthorizationRequest": obj(map[string]any{"subject": typeValue, "resource": typeValue, "action": typeValue}, "subject", "resource"),
		"AccessListAuthorizationResponse": obj(map[string]any{"subject": typeValue, "resource": typeValue, "action": typeValue,
			"result": map[string]any{"type": "string", "enum": []string{"NotDetermined", "NotAuthorized", "Authorized"}}}, "subject", "resource", "result"),
	} {
		s[k] = v
	}
}
