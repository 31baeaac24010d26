package webhooks

import (
	"strings"
	"testing"
)

// FuzzParseStravaEvent: whatever arrives on the public webhook URL is
// either a well-formed event or an error, never a panic.
func FuzzParseStravaEvent(f *testing.F) {
	for _, s := range []string{
		`{"aspect_type":"create","event_time":1549560669,"object_id":1360128428,"object_type":"activity","owner_id":134815,"subscription_id":120475,"updates":{}}`,
		`{"aspect_type":"update","object_id":134815,"object_type":"athlete","owner_id":134815,"updates":{"authorized":"false"}}`,
		`{"object_type":"gear"}`, `[]`, `{"object_id":-1}`, `{"updates":{"title":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseStravaEvent(b)
		if err != nil {
			return
		}
		if e.ObjectID <= 0 || e.OwnerID <= 0 || (e.ObjectType != "activity" && e.ObjectType != "athlete") {
			t.Fatalf("accepted a malformed event: %+v", e)
		}
	})
}

func TestParseStravaEventNamesWhatIsWrong(t *testing.T) {
	for body, want := range map[string]string{
		`{"object_type":"gear","aspect_type":"create","object_id":1,"owner_id":1}`:     "object_type",
		`{"object_type":"activity","aspect_type":"rename","object_id":1,"owner_id":1}`: "aspect_type",
		`{"object_type":"activity","aspect_type":"create","object_id":0,"owner_id":1}`: "object_id",
		`not json`: "JSON",
	} {
		if _, err := ParseStravaEvent([]byte(body)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %s", body, err, want)
		}
	}
}
