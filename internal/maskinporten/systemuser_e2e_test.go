package maskinporten_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// A system-user grant through the wired app: system registered with the
// client id, system user created for the customer, /token finds it via
// the systemusers lookup; after deletion the grant fails with MP-303.
func TestSystemUserGrantThroughApp(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	ctx := context.Background()
	const vendor, customer = "991825827", "313725138"
	clientID, key := apptest.RegisterClient(t, srv.URL, vendor, "skatteetaten:kravogbetalinger")

	req := registry.NewRegisterRequest()
	req.ID = vendor + "_tokens_e2e"
	req.Vendor = registry.VendorInfo{Authority: "iso6523-actorid-upis", ID: "0192:" + vendor}
	req.Name = map[string]string{"nb": "E2E", "nn": "E2E", "en": "E2E"}
	req.Description = map[string]string{"nb": "E2E", "nn": "E2E", "en": "E2E"}
	req.Rights = []registry.Right{{Resource: []registry.AttributePair{{ID: "urn:altinn:resource", Value: "kravogbetaling"}}}}
	req.ClientID = []string{clientID}
	if _, err := srv.Registry.Create(ctx, registry.Actor{OrgNo: vendor, ClientID: clientID}, req); err != nil {
		t.Fatalf("register system: %v", err)
	}
	sys, err := systemusers.RegistrySystems{R: srv.Registry}.System(ctx, req.ID)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := srv.Parties.Org(ctx, customer)
	if err != nil {
		t.Fatal(err)
	}
	var su systemusers.SystemUser
	if err := db.InTx(ctx, srv.Pool, func(q db.Querier) error {
		su, err = srv.SystemUsers.CreateTx(ctx, q, systemusers.New{ID: uuid.New(), System: sys, IntegrationTitle: "e2e",
			ReporteeOrgNo: customer, Owner: owner, Rights: sys.Rights, CreatedBy: "test"})
		return err
	}); err != nil {
		t.Fatalf("create system user: %v", err)
	}

	grant := func(o mpgrant.Options) (int, map[string]any) {
		o.ClientID, o.Audience, o.Scopes = clientID, srv.URL+"/", []string{"skatteetaten:kravogbetalinger"}
		g, err := mpgrant.Sign(key, mpgrant.Claims(o))
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		resp := apptest.PostGrant(t, srv.URL, g, &out)
		return resp.StatusCode, out
	}
	st, out := grant(mpgrant.Options{SystemUserOrg: customer})
	if st != http.StatusOK {
		t.Fatalf("system-user grant: %d %v", st, out)
	}
	caller, err := srv.Verifier.Verify(ctx, out["access_token"].(string))
	if err != nil || caller.SystemUserID != su.ID.String() || caller.SystemID != req.ID || caller.SystemUserOrgNo != customer || caller.ConsumerOrgNo != vendor {
		t.Fatalf("caller %+v %v", caller, err)
	}
	if st, out := grant(mpgrant.Options{SystemUserOrg: customer, ExternalRef: "not-it"}); st != 400 || out["error"] != "invalid_altinn_customer_configuration" {
		t.Fatalf("wrong externalRef: %d %v", st, out)
	}
	if st, out := grant(mpgrant.Options{SystemUserOrg: "310385980"}); st != 400 || !strings.HasSuffix(out["error_uri"].(string), "/errors/MP-303") {
		t.Fatalf("other org: %d %v", st, out)
	}
	if err := srv.SystemUsers.Delete(ctx, su.ID, customer); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if st, out := grant(mpgrant.Options{SystemUserOrg: customer}); st != 400 || out["error"] != "invalid_altinn_customer_configuration" {
		t.Fatalf("after delete: %d %v", st, out)
	}
}
