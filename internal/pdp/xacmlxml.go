package pdp

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
)

// XACML 3.0 XML on /decision. The real DecisionController sends any body
// whose Content-Type does not contain "application/json" to
// XacmlParser.ReadContextRequest and answers with
// XacmlSerializer.WriteContextResponse written through an XmlWriter into a
// string (Altinn/altinn-authorization-tmp, src/apps/Altinn.Authorization:
// Controllers/DecisionController.cs; src/pkgs/Altinn.Authorization.ABAC:
// Utils/XacmlParser.cs, Utils/XacmlSerializer.cs). Here the XML request is
// read into the JSON profile's wire model, decided by the same code, and
// the answer written back the way that serializer writes it.

// Namespaces of the XACML XML documents.
const (
	nsXACML = "urn:oasis:names:tc:xacml:3.0:core:schema:wd-17"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
)

// xmlRequest is a XACML 3.0 <Request>. Attributes the parser requires are
// read as strings so that their absence can be told apart.
type xmlRequest struct {
	XMLName            xml.Name         `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Request"`
	ReturnPolicyIDList *string          `xml:"ReturnPolicyIdList,attr"`
	CombinedDecision   *string          `xml:"CombinedDecision,attr"`
	Defaults           *xmlDefaults     `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 RequestDefaults"`
	Attributes         []xmlAttributes  `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Attributes"`
	MultiRequests      *xmlMultiRequest `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 MultiRequests"`
	Other              []xmlOther       `xml:",any"`
}

type xmlDefaults struct {
	XPathVersion *string    `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 XPathVersion"`
	Other        []xmlOther `xml:",any"`
}

type xmlMultiRequest struct {
	RequestReference []struct {
		AttributesReference []struct {
			ReferenceID string `xml:"ReferenceId,attr"`
		} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 AttributesReference"`
	} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 RequestReference"`
}

type xmlAttributes struct {
	Category  *string        `xml:"Category,attr"`
	ID        string         `xml:"http://www.w3.org/XML/1998/namespace id,attr"`
	Content   *xmlInner      `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Content"`
	Attribute []xmlAttribute `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Attribute"`
	Other     []xmlOther     `xml:",any"`
}

type xmlInner struct {
	Inner string `xml:",innerxml"`
}

type xmlAttribute struct {
	AttributeID     *string    `xml:"AttributeId,attr"`
	IncludeInResult *string    `xml:"IncludeInResult,attr"`
	Issuer          string     `xml:"Issuer,attr"`
	Values          []xmlValue `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 AttributeValue"`
	Other           []xmlOther `xml:",any"`
}

type xmlValue struct {
	DataType string `xml:"DataType,attr"`
	Value    string `xml:",chardata"`
}

// xmlOther catches an element the parser does not expect where it is.
type xmlOther struct {
	XMLName xml.Name
}

// DecodeXMLBody reads a XACML 3.0 XML request into the JSON profile's wire
// model. What upstream's parser refuses (a root that is not the XACML
// <Request>, a missing ReturnPolicyIdList or CombinedDecision, a
// CombinedDecision of true, no <Attributes>, an <Attributes> without
// Category, an <Attribute> without AttributeId, IncludeInResult or a value,
// a value without DataType, an element it does not know) is a syntax error.
//
// Upstream decides an XML request as one request: its XML path has no
// MultiRequests split (only the JSON path has), and its context handler
// reads the first subject and resource category. MultiRequests are read
// and then left out, so the first category of each kind decides here too.
// An <Attribute> with several values is read by its first, as upstream's
// context handler reads every identifying attribute.
func DecodeXMLBody(body []byte) (XRoot, *statusErr) {
	var req xmlRequest
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))))
	// Upstream's body is already text (a string handed to XmlReader), so
	// the encoding the declaration names is never applied; neither here.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	if err := d.Decode(&req); err != nil {
		return XRoot{}, syntaxErr("The request body is not a valid XACML XML request: %v", err)
	}
	if err := checkXMLRequest(&req); err != "" {
		return XRoot{}, syntaxErr("The request body is not a valid XACML XML request: %s", err)
	}
	root := XRoot{Request: &XRequest{}}
	x := root.Request
	x.ReturnPolicyIDList, _ = xmlBool(*req.ReturnPolicyIDList)
	if req.Defaults != nil && req.Defaults.XPathVersion != nil {
		x.XPathVersion = strings.TrimSpace(*req.Defaults.XPathVersion)
	}
	for _, as := range req.Attributes {
		c := XCategory{CategoryID: *as.Category, ID: as.ID}
		if as.Content != nil {
			c.Content = as.Content.Inner
		}
		for _, a := range as.Attribute {
			inc, _ := xmlBool(*a.IncludeInResult)
			c.Attribute = append(c.Attribute, XAttribute{AttributeID: *a.AttributeID, Value: a.Values[0].Value,
				DataType: a.Values[0].DataType, Issuer: a.Issuer, IncludeInResult: inc})
		}
		switch c.CategoryID {
		case CategorySubject:
			x.AccessSubject = append(x.AccessSubject, c)
		case CategoryAction:
			x.Action = append(x.Action, c)
		case CategoryResource:
			x.Resource = append(x.Resource, c)
		default:
			x.Category = append(x.Category, c)
		}
	}
	return root, nil
}

// checkXMLRequest applies the rules of upstream's XacmlParser that the
// struct decoding above does not; it names the first broken one.
func checkXMLRequest(r *xmlRequest) string {
	if r.ReturnPolicyIDList == nil || *r.ReturnPolicyIDList == "" {
		return "ReturnPolicyIdList IsNullOrEmpty"
	}
	if _, ok := xmlBool(*r.ReturnPolicyIDList); !ok {
		return "ReturnPolicyIdList is not a boolean"
	}
	if r.CombinedDecision == nil || *r.CombinedDecision == "" {
		return "CombinedDecision IsNullOrEmpty"
	}
	combined, ok := xmlBool(*r.CombinedDecision)
	if !ok {
		return "CombinedDecision is not a boolean"
	}
	if combined {
		return "Multiple Decision Profile not implemented"
	}
	if len(r.Other) > 0 {
		return "unexpected element <" + r.Other[0].XMLName.Local + "> in <Request>"
	}
	if r.Defaults != nil && (r.Defaults.XPathVersion == nil || len(r.Defaults.Other) > 0) {
		return "XPathVerison NotStartElement"
	}
	if len(r.Attributes) == 0 {
		return "A least 1 Attributes is required"
	}
	for _, as := range r.Attributes {
		if as.Category == nil || *as.Category == "" {
			return "Category IsNullOrEmpty"
		}
		if len(as.Other) > 0 {
			return "unexpected element <" + as.Other[0].XMLName.Local + "> in <Attributes>"
		}
		for _, a := range as.Attribute {
			switch {
			case a.AttributeID == nil || *a.AttributeID == "":
				return "AttributeId IsNullOrEmpty"
			case a.IncludeInResult == nil || *a.IncludeInResult == "":
				return "IncludeInResult IsNullOrEmpty"
			case len(a.Other) > 0:
				return "unexpected element <" + a.Other[0].XMLName.Local + "> in <Attribute>"
			case len(a.Values) == 0:
				return "A least 1 AttributeValue is required"
			}
			if _, ok := xmlBool(*a.IncludeInResult); !ok {
				return "IncludeInResult is not a boolean"
			}
			for _, v := range a.Values {
				if v.DataType == "" {
					return "DataType IsNullOrEmpty"
				}
			}
		}
	}
	if m := r.MultiRequests; m != nil {
		if len(m.RequestReference) == 0 {
			return "A least 1 RequestReference is required"
		}
		for _, ref := range m.RequestReference {
			if len(ref.AttributesReference) == 0 {
				return "A least 1 AttributesReference is required"
			}
		}
	}
	return ""
}

// xmlBool is XmlConvert.ToBoolean: true, false, 1 or 0, around whitespace.
func xmlBool(s string) (bool, bool) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// EncodeXMLResponse writes resp as upstream's XacmlSerializer does through
// .NET's XmlWriter into a StringBuilder: the declaration says utf-16 (the
// writer's, as it wrote to a string; the bytes sent are UTF-8), every
// element carries the xacml prefix, the namespace is declared once on the
// root, empty elements end in " />", nothing is indented. In each
// <Result>: Decision, Status (StatusCode, StatusMessage when set),
// Obligations and AssociatedAdvice when there are any, then the echoed
// <Attributes>. With explain, each result ends with its trace as an XML
// comment holding the same JSON the JSON answer's "trace" member has; a
// XACML parser skips comments.
func EncodeXMLResponse(resp Response, explain bool) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-16"?>`)
	b.WriteString(`<xacml:Response xmlns:xacml="` + nsXACML + `">`)
	for _, r := range resp.Response {
		writeXMLResult(&b, r, explain)
	}
	b.WriteString(`</xacml:Response>`)
	return b.Bytes()
}

func writeXMLResult(b *bytes.Buffer, r Result, explain bool) {
	b.WriteString(`<xacml:Result><xacml:Decision>`)
	b.WriteString(xmlText(r.Decision))
	b.WriteString(`</xacml:Decision>`)
	if r.Status != nil {
		b.WriteString(`<xacml:Status>`)
		writeXMLStatusCode(b, r.Status.StatusCode)
		if m := r.Status.StatusMessage; m != nil && *m != "" {
			b.WriteString(`<xacml:StatusMessage>` + xmlText(*m) + `</xacml:StatusMessage>`)
		}
		b.WriteString(`</xacml:Status>`)
	}
	if len(r.Obligations) > 0 {
		b.WriteString(`<xacml:Obligations>`)
		for _, o := range r.Obligations {
			// The PDP returns only the obligations that apply on Permit
			// (adapt.go), so FulfillOn is Permit.
			b.WriteString(`<xacml:Obligation ObligationId="` + xmlAttr(o.ID) + `" FulfillOn="Permit">`)
			writeXMLAssignments(b, o.AttributeAssignment)
			b.WriteString(`</xacml:Obligation>`)
		}
		b.WriteString(`</xacml:Obligations>`)
	}
	if len(r.AssociateAdvice) > 0 {
		b.WriteString(`<xacml:AssociatedAdvice>`)
		for _, a := range r.AssociateAdvice {
			b.WriteString(`<xacml:Advice AdviceId="` + xmlAttr(a.ID) + `">`)
			writeXMLAssignments(b, a.AttributeAssignment)
			b.WriteString(`</xacml:Advice>`)
		}
		b.WriteString(`</xacml:AssociatedAdvice>`)
	}
	for _, c := range r.Category {
		b.WriteString(`<xacml:Attributes Category="` + xmlAttr(c.CategoryID) + `"`)
		if c.xmlID != "" {
			b.WriteString(` xml:id="` + xmlAttr(c.xmlID) + `"`)
		}
		b.WriteString(`>`)
		if c.xmlContent != "" {
			b.WriteString(`<xacml:Content>` + xmlText(c.xmlContent) + `</xacml:Content>`)
		}
		for _, a := range c.Attribute {
			b.WriteString(`<xacml:Attribute AttributeId="` + xmlAttr(a.AttributeID) + `" IncludeInResult="` + boolText(a.IncludeInResult) + `"`)
			if a.Issuer != nil && *a.Issuer != "" {
				b.WriteString(` Issuer="` + xmlAttr(*a.Issuer) + `"`)
			}
			b.WriteString(`><xacml:AttributeValue DataType="` + xmlAttr(a.DataType) + `">` + xmlText(a.Value) + `</xacml:AttributeValue></xacml:Attribute>`)
		}
		b.WriteString(`</xacml:Attributes>`)
	}
	if explain && r.Trace != nil {
		if j, err := json.Marshal(r.Trace); err == nil {
			// "--" may not occur in a comment; in JSON it can only be
			// inside a string, where \u002d is the same character.
			b.WriteString(`<!--altinn-sim trace ` + strings.ReplaceAll(string(j), "--", `-\u002d`) + `-->`)
		}
	}
	b.WriteString(`</xacml:Result>`)
}

func writeXMLStatusCode(b *bytes.Buffer, c *StatusCode) {
	if c == nil {
		return
	}
	b.WriteString(`<xacml:StatusCode Value="` + xmlAttr(c.Value) + `"`)
	if c.StatusCode == nil {
		b.WriteString(` />`)
		return
	}
	b.WriteString(`>`)
	writeXMLStatusCode(b, c.StatusCode)
	b.WriteString(`</xacml:StatusCode>`)
}

func writeXMLAssignments(b *bytes.Buffer, as []AttributeAssignment) {
	for _, a := range as {
		b.WriteString(`<xacml:AttributeAssignment DataType="` + xmlAttr(a.DataType) + `" AttributeId="` + xmlAttr(a.AttributeID) + `"`)
		if a.Category != "" {
			b.WriteString(` Category="` + xmlAttr(a.Category) + `"`)
		}
		if a.Issuer != nil && *a.Issuer != "" {
			b.WriteString(` Issuer="` + xmlAttr(*a.Issuer) + `"`)
		}
		b.WriteString(`>` + xmlText(a.Value) + `</xacml:AttributeAssignment>`)
	}
}

func boolText(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

// xmlText and xmlAttr escape as XmlWriter does: &, < and > in text; in
// attribute values also the quote and the whitespace characters a parser
// would otherwise normalise.
var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "&#xA;", "\r", "&#xD;", "\t", "&#x9;")
)

func xmlText(s string) string { return textEscaper.Replace(s) }
func xmlAttr(s string) string { return attrEscaper.Replace(s) }
