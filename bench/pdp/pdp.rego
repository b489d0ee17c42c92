# The OPA peer of bench/pdp/opa.sh: the decision altinn-sim's PDP makes
# for the scale bench's requests, written as plainly as Rego allows.
# Input: the very XACML JSON body /authorization/api/v1/authorize takes.
# Data (put by bench/pdp/scale): data.altinn.systemusers[uuid] =
# {"org": "<organisation number>", "packages": ["urn:altinn:accesspackage:…"]},
# data.altinn.resources[id] = [{"package": "urn:…", "actions": ["read", …]}].
# Shape: system user → its organisation (must be the resource party) → its
# access packages → a rule of the resource naming the package and the
# action → "Permit"; anything else "NotApplicable".
package altinn.pdp

import rego.v1

default decision := "NotApplicable"

decision := "Permit" if {
	su := data.altinn.systemusers[attr(input.Request.AccessSubject, "urn:altinn:systemuser:uuid")]
	su.org == attr(input.Request.Resource, "urn:altinn:organization:identifier-no")
	rules := data.altinn.resources[attr(input.Request.Resource, "urn:altinn:resource")]
	action := attr(input.Request.Action, "urn:oasis:names:tc:xacml:1.0:action:action-id")
	some rule in rules
	rule.package in su.packages
	action in rule.actions
}

# attr is the value of the attribute id in a XACML category list.
attr(categories, id) := v if {
	some category in categories
	some a in category.Attribute
	a.AttributeId == id
	v := a.Value
}
