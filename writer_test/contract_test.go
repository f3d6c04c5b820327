package writer_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/writerfiles/writer-go/writertest"
)

// The contract test sends raw HTTP requests, not package writer's, so that the fake's answers
// to requests the client would refuse to send are checked too.

// auth is the Authorization a raw request carries.
type auth int

const (
	authKey   auth = iota // Bearer and the Server's key
	authWrong             // Bearer and another key
	authNone              // no Authorization header
)

// rawRequest is one HTTP request to a writertest.Server.
type rawRequest struct {
	method, target string // target: path and query
	header         map[string]string
	body           string
	auth           auth
	chunked        bool // send the body chunked, without Content-Length
	short          bool // announce a Content-Length one byte longer than the body, then end it
}

// contractCase is one request to a fresh Server holding contractFiles, and the status its
// answer must have.
type contractCase struct {
	name    string
	srvOpts []writertest.Option
	// before are sent first; their answers are not checked, except that "{id}" in req's
	// target is replaced by the id in the last one's JSON answer.
	before []rawRequest
	fault  *writertest.Fault // queued with FailNext just before req
	req    rawRequest
	status int
	// ownType, if set, is the Content-Type download must answer: the file's own media type
	// (writertest.File.ContentType) where the spec declares only application/octet-stream.
	// This is the fake's one documented departure from openapi.yaml: what Writer sends is
	// not documented (docs/unknowns.md), and package writer handles both. The answer must be valid
	// in every other respect.
	ownType string
}

// contractFiles are the files every contract case's Server holds.
var contractFiles = []writertest.File{
	{ID: idA, Name: "a.pdf", Status: writertest.StatusFailed, GraphIDs: []string{graphA}, Content: []byte("%PDF-1.7")},
	{ID: idB, Name: "b.txt", Status: writertest.StatusCompleted, ContentType: "text/plain; charset=utf-8", Content: []byte("hello")},
	{ID: idC, Name: "c.docx", Status: writertest.StatusInProgress},
	// Not a UUID, and an unknown status.
	{ID: "file_123", Name: "odd", Status: "queued", GraphIDs: []string{graphB}},
}

// contractGraphs are the graphs every contract case's Server holds: graphA holds idA.
var contractGraphs = []writertest.Graph{{ID: graphA, Name: "Docs", Description: "the handbook"}, {ID: graphB, Name: "Other"}}

const unknownID = "0a0b0c0d-0e0f-4a0b-8c0d-0e0f0a0b0c0d"

func get(target string) rawRequest { return rawRequest{method: http.MethodGet, target: target} }

func retryReq(body string) rawRequest {
	return rawRequest{method: http.MethodPost, target: "/v1/files/retry", header: map[string]string{"Content-Type": "application/json"}, body: body}
}

func uploadReq(target, contentType, disposition, body string) rawRequest {
	h := map[string]string{}
	if contentType != "" {
		h["Content-Type"] = contentType
	}
	if disposition != "" {
		h["Content-Disposition"] = disposition
	}
	return rawRequest{method: http.MethodPost, target: target, header: h, body: body}
}

func deleteReq(id string) rawRequest {
	return rawRequest{method: http.MethodDelete, target: "/v1/files/" + id}
}

func addToGraphReq(graph, body string) rawRequest {
	return rawRequest{method: http.MethodPost, target: "/v1/graphs/" + graph + "/file", header: map[string]string{"Content-Type": "application/json"}, body: body}
}

func removeFromGraphReq(graph, file string) rawRequest {
	return rawRequest{method: http.MethodDelete, target: "/v1/graphs/" + graph + "/file/" + file}
}

func chunked(r rawRequest) rawRequest          { r.chunked = true; return r }
func short(r rawRequest) rawRequest            { r.short = true; return r }
func withAuth(r rawRequest, a auth) rawRequest { r.auth = a; return r }

// contractSuccesses are one accepted request per operation; contractCases derives from
// them every operation's 401 (wrong key, no key), 429 (WithRateLimit) and injected 500.
var contractSuccesses = []contractCase{
	{name: "list", req: get("/v1/files"), status: 200},
	{name: "get", req: get("/v1/files/" + idA), status: 200},
	{name: "upload", req: uploadReq("/v1/files", "text/plain", "attachment; filename=notes.txt", "some notes"), status: 200},
	{name: "download", req: get("/v1/files/" + idA + "/download"), status: 200},
	{name: "delete", req: deleteReq(idA), status: 200},
	{name: "retry", req: retryReq(`{"file_ids":["` + idA + `"]}`), status: 200},
	{name: "list graphs", req: get("/v1/graphs"), status: 200},
	{name: "get graph", req: get("/v1/graphs/" + graphA), status: 200},
	{name: "add file to graph", req: addToGraphReq(graphB, `{"file_id":"`+idA+`"}`), status: 200},
	{name: "remove file from graph", req: removeFromGraphReq(graphA, idA), status: 200},
}

func contractCases() []contractCase {
	jsonHeader := http.Header{"Content-Type": {"application/json"}}
	failBody := func(tpe, key string) string {
		return `{"tpe":"` + tpe + `","errors":[{"description":"injected","key":"` + key + `","extras":{}}],"extras":{}}`
	}
	unavailable := failBody("fail.serviceUnavailable", "fail.serviceUnavailable.temporary")
	internal := failBody("fail.internalServerError", "fail.internalServerError.generic")
	cases := []contractCase{
		// gatewayGetFiles
		{name: "list every parameter", req: get("/v1/files?limit=1&order=asc&status=failed&graph_id=" + graphA + "&file_types=pdf,DOCX"), status: 200},
		{name: "list after", req: get("/v1/files?after=" + idA), status: 200},
		{name: "list before", req: get("/v1/files?before=" + idC + "&limit=1"), status: 200},
		{name: "list empty page", req: get("/v1/files?status=completed&file_types=png"), status: 200},
		{name: "list with empty file_types", req: get("/v1/files?file_types="), status: 200},
		{name: "list limit 0", req: get("/v1/files?limit=0"), status: 400},
		{name: "list limit 101", req: get("/v1/files?limit=101"), status: 400},
		{name: "list limit not a number", req: get("/v1/files?limit=ten"), status: 400},
		{name: "list bad order", req: get("/v1/files?order=up"), status: 400},
		{name: "list bad status", req: get("/v1/files?status=done"), status: 400},
		{name: "list bad graph_id", req: get("/v1/files?graph_id=nope"), status: 400},
		{name: "list both cursors", req: get("/v1/files?after=" + idA + "&before=" + idB), status: 400},
		{name: "list unknown cursor", req: get("/v1/files?after=" + unknownID), status: 400},
		{name: "list filtered cursor that matches", srvOpts: []writertest.Option{writertest.WithFilteredCursors()},
			req: get("/v1/files?status=failed&after=" + idA), status: 200},
		{name: "list filtered cursor that left the filter", srvOpts: []writertest.Option{writertest.WithFilteredCursors()},
			req: get("/v1/files?status=failed&after=" + idB), status: 400},
		// gatewayGetFile
		{name: "get odd file", req: get("/v1/files/file_123"), status: 200},
		{name: "get unknown", req: get("/v1/files/" + unknownID), status: 404},
		{name: "get after delete", before: []rawRequest{deleteReq(idA)}, req: get("/v1/files/" + idA), status: 404},
		// gatewayUploadFile
		{name: "upload to a graph", req: uploadReq("/v1/files?graphId="+graphA, "application/pdf", "attachment; filename=a.pdf", "%PDF"), status: 200},
		{name: "upload filename*", req: uploadReq("/v1/files", "text/plain", `attachment; filename="r.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`, "x"), status: 200},
		{name: "upload empty", req: uploadReq("/v1/files", "text/plain", "attachment; filename=empty.txt", ""), status: 200},
		{name: "upload chunked", req: chunked(uploadReq("/v1/files", "text/plain", "attachment; filename=a.txt", "abc")), status: 411},
		{name: "upload bad Content-Type", req: uploadReq("/v1/files", "not a type", "attachment; filename=a.txt", "abc"), status: 400},
		{name: "upload no Content-Disposition", req: uploadReq("/v1/files", "text/plain", "", "abc"), status: 400},
		{name: "upload no filename", req: uploadReq("/v1/files", "text/plain", "attachment", "abc"), status: 400},
		{name: "upload bad graphId", req: uploadReq("/v1/files?graphId=nope", "text/plain", "attachment; filename=a.txt", "abc"), status: 400},
		{name: "upload body shorter than Content-Length", req: short(uploadReq("/v1/files", "text/plain", "attachment; filename=a.txt", "abc")), status: 400},
		// gatewayDownloadFile
		{name: "download own media type", req: get("/v1/files/" + idB + "/download"), status: 200, ownType: "text/plain; charset=utf-8"},
		{name: "download empty", req: get("/v1/files/" + idC + "/download"), status: 200},
		{name: "download unknown", req: get("/v1/files/" + unknownID + "/download"), status: 404},
		{name: "download after delete", before: []rawRequest{deleteReq(idA)}, req: get("/v1/files/" + idA + "/download"), status: 404},
		{name: "download content not kept", srvOpts: []writertest.Option{writertest.WithMaxStoredBytes(1)},
			before: []rawRequest{uploadReq("/v1/files", "text/plain", "attachment; filename=big.txt", "more than one byte")},
			req:    get("/v1/files/{id}/download"), status: 500},
		// gatewayDeleteFile
		{name: "delete odd file", req: deleteReq("file_123"), status: 200},
		{name: "delete unknown", req: deleteReq(unknownID), status: 404},
		{name: "delete twice", before: []rawRequest{deleteReq(idA)}, req: deleteReq(idA), status: 404},
		{name: "delete answered not deleted (fault)", fault: &writertest.Fault{Status: 200, Header: jsonHeader, Body: `{"id":"` + idA + `","deleted":false}`}, req: deleteReq(idA), status: 200},
		// gatewayRetryFailedFiles
		{name: "retry files not failed", req: retryReq(`{"file_ids":["` + idB + `","` + idC + `"]}`), status: 200},
		{name: "retry bad JSON", req: retryReq(`{"file_ids":`), status: 400},
		{name: "retry id not a UUID", req: retryReq(`{"file_ids":["file_123"]}`), status: 400},
		{name: "retry empty file_ids", req: retryReq(`{"file_ids":[]}`), status: 400},
		{name: "retry no file_ids", req: retryReq(`{}`), status: 400},
		{name: "retry unknown id", req: retryReq(`{"file_ids":["` + idA + `","` + unknownID + `"]}`), status: 404},
		{name: "retry answered success false (fault)", fault: &writertest.Fault{Status: 200, Header: jsonHeader, Body: `{"success":false}`}, req: retryReq(`{"file_ids":["` + idA + `"]}`), status: 200},
		{name: "retry unavailable (fault)", fault: &writertest.Fault{Status: 503, Header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"1"}}, Body: unavailable},
			req: retryReq(`{"file_ids":["` + idA + `"]}`), status: 503},
		// findGraphsWithFileStatus
		{name: "list graphs every parameter", req: get("/v1/graphs?limit=1&order=asc"), status: 200},
		{name: "list graphs after", req: get("/v1/graphs?after=" + graphA), status: 200},
		{name: "list graphs before", req: get("/v1/graphs?before=" + graphA + "&limit=1"), status: 200},
		{name: "list graphs limit 0", req: get("/v1/graphs?limit=0"), status: 400},
		{name: "list graphs bad order", req: get("/v1/graphs?order=up"), status: 400},
		{name: "list graphs both cursors", req: get("/v1/graphs?after=" + graphA + "&before=" + graphB), status: 400},
		{name: "list graphs cursor not a UUID", req: get("/v1/graphs?after=file_123"), status: 400},
		{name: "list graphs unknown cursor", req: get("/v1/graphs?after=" + unknownID), status: 400},
		// findGraphWithFileStatus
		{name: "get graph without files", req: get("/v1/graphs/" + graphB), status: 200},
		{name: "get graph not a UUID", req: get("/v1/graphs/docs"), status: 400},
		{name: "get graph unknown", req: get("/v1/graphs/" + unknownID), status: 404},
		// addFileToGraph
		{name: "add file already in graph", req: addToGraphReq(graphA, `{"file_id":"`+idA+`"}`), status: 200},
		{name: "add odd file", req: addToGraphReq(graphA, `{"file_id":"file_123"}`), status: 200},
		{name: "add file no file_id", req: addToGraphReq(graphA, `{}`), status: 400},
		{name: "add file graph not a UUID", req: addToGraphReq("docs", `{"file_id":"`+idA+`"}`), status: 400},
		{name: "add file unknown graph", req: addToGraphReq(unknownID, `{"file_id":"`+idA+`"}`), status: 404},
		{name: "add unknown file", req: addToGraphReq(graphA, `{"file_id":"`+unknownID+`"}`), status: 404},
		// removeFileFromGraph
		{name: "remove file graph not a UUID", req: removeFromGraphReq("docs", idA), status: 400},
		{name: "remove file unknown graph", req: removeFromGraphReq(unknownID, idA), status: 404},
		{name: "remove file not in graph", req: removeFromGraphReq(graphB, idA), status: 404},
		{name: "remove file twice", before: []rawRequest{removeFromGraphReq(graphA, idA)}, req: removeFromGraphReq(graphA, idA), status: 404},
		// No operation: the spec declares nothing, the answer is still Writer's error body.
		{name: "no operation at path", req: get("/v1/applications"), status: 404},
		{name: "no operation for method", req: rawRequest{method: http.MethodPut, target: "/v1/files/" + idA}, status: 404},
	}
	for _, s := range contractSuccesses {
		cases = append(cases, s,
			contractCase{name: s.name + " wrong key", req: withAuth(s.req, authWrong), status: 401},
			contractCase{name: s.name + " no key", req: withAuth(s.req, authNone), status: 401},
			contractCase{name: s.name + " rate limited", srvOpts: []writertest.Option{writertest.WithRateLimit(1, time.Hour)},
				before: []rawRequest{get("/v1/files/" + idB)}, req: s.req, status: 429},
			contractCase{name: s.name + " server error (fault)", fault: &writertest.Fault{Status: 500, Header: jsonHeader, Body: internal}, req: s.req, status: 500},
		)
	}
	return cases
}

// answer is what a contract case's request got: the operation it routed to in openapi.yaml
// ("" for none), the status, and for an error the description of its first fail_message.
type answer struct {
	op          string
	status      int
	description string
}

func TestFakeAnswersMatchTheSpec(t *testing.T) {
	doc := loadSpec(t, "http://127.0.0.1")
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("route openapi.yaml: %v", err)
	}
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	hc := &http.Client{Transport: transport}
	var answers []answer
	for _, c := range contractCases() {
		t.Run(c.name, func(t *testing.T) {
			// An injected fault's answer is the test's own, not the fake's: it is checked
			// but covers nothing.
			if a, ok := runContractCase(t, doc, router, hc, c); ok && c.fault == nil {
				answers = append(answers, a)
			}
		})
	}
	for _, p := range uncovered(specOperations(doc), readFailSites(t, doc), answers) {
		t.Error(p)
	}
}

// runContractCase sends c's requests to a fresh Server and checks the answer to c.req
// against doc. ok is false when the request could not be sent.
func runContractCase(t *testing.T, doc *openapi3.T, router routers.Router, hc *http.Client, c contractCase) (a answer, ok bool) {
	t.Helper()
	srv := writertest.NewServer(t, c.srvOpts...)
	srv.AddGraphs(contractGraphs...)
	srv.AddFiles(contractFiles...)
	r := c.req
	for _, b := range c.before {
		_, _, body, err := send(t.Context(), srv, hc, b)
		if err != nil {
			t.Fatalf("before: %v", err)
		}
		var created struct{ ID string }
		if json.Unmarshal(body, &created) == nil {
			r.target = strings.ReplaceAll(r.target, "{id}", created.ID)
		}
	}
	if c.fault != nil {
		srv.FailNext(1, *c.fault)
	}
	status, header, body, err := send(t.Context(), srv, hc, r)
	if err != nil {
		t.Errorf("%s %s: %v", r.method, r.target, err)
		return answer{}, false
	}
	a = answer{status: status}
	if status != c.status {
		t.Errorf("%s %s answered %d %s, want %d", r.method, r.target, status, body, c.status)
	}
	req, err := http.NewRequestWithContext(t.Context(), r.method, "http://127.0.0.1"+r.target, nil)
	if err != nil {
		t.Fatal(err)
	}
	route, params, err := router.FindRoute(req)
	if err == nil {
		a.op = route.Operation.OperationID
	}
	if status < 200 || status > 299 {
		a.description = checkFailAnswer(t, doc, header, body)
		return a, true
	}
	if route == nil {
		t.Errorf("%s %s answered %d, but openapi.yaml has no such operation", r.method, r.target, status)
		return a, true
	}
	checkDeclaredHeaders(t, route.Operation.Responses.Status(status), header)
	if c.ownType != "" {
		if got := header.Get("Content-Type"); got != c.ownType {
			t.Errorf("Content-Type %q, want the file's own %q", got, c.ownType)
		}
		header = header.Clone()
		header.Set("Content-Type", "application/octet-stream")
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(t.Context(), in); err != nil {
		t.Errorf("%s %s: answer %d is not valid against openapi.yaml: %v", r.method, r.target, status, err)
	}
	return a, true
}

// checkDeclaredHeaders checks that every header the spec declares required is present,
// which openapi3filter does not check for Content-Type.
func checkDeclaredHeaders(t *testing.T, resp *openapi3.ResponseRef, header http.Header) {
	t.Helper()
	if resp == nil {
		return // ValidateResponse reports the undeclared status
	}
	for name, h := range resp.Value.Headers {
		v := header.Get(name)
		switch {
		case h.Value.Required && v == "":
			t.Errorf("required response header %s is missing", name)
		case v != "" && strings.EqualFold(name, "Content-Type"):
			if _, _, err := mime.ParseMediaType(v); err != nil {
				t.Errorf("response header Content-Type %q: %v", v, err)
			}
		}
	}
}

// checkFailAnswer checks an error answer: JSON, a fail_response with at least one message.
// It returns the first message's description.
func checkFailAnswer(t *testing.T, doc *openapi3.T, header http.Header, body []byte) string {
	t.Helper()
	if mt, _, err := mime.ParseMediaType(header.Get("Content-Type")); err != nil || mt != "application/json" {
		t.Errorf("error answer Content-Type %q, want application/json", header.Get("Content-Type"))
	}
	if err := validateFailResponse(doc, body); err != nil {
		t.Errorf("error answer %s is not a fail_response: %v", body, err)
		return ""
	}
	var fail struct {
		Errors []struct{ Description string }
	}
	if err := json.Unmarshal(body, &fail); err != nil || len(fail.Errors) == 0 {
		t.Errorf("error answer %s has no fail_message", body)
		return ""
	}
	return fail.Errors[0].Description
}

// send sends r to srv and reads the whole answer.
func send(ctx context.Context, srv *writertest.Server, hc *http.Client, r rawRequest) (status int, header http.Header, body []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, r.method, srv.URL+r.target, strings.NewReader(r.body))
	if err != nil {
		return 0, nil, nil, err
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	switch r.auth {
	case authKey:
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	case authWrong:
		req.Header.Set("Authorization", "Bearer not-"+srv.APIKey)
	}
	if r.short {
		return sendShort(req, r.body)
	}
	if r.chunked {
		req.Body, req.ContentLength = io.NopCloser(strings.NewReader(r.body)), -1
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body, err
}

// sendShort writes req by hand with a Content-Length one byte longer than body, then ends
// the request (net/http refuses to send such a request).
func sendShort(req *http.Request, body string) (int, http.Header, []byte, error) {
	conn, err := (&net.Dialer{}).DialContext(req.Context(), "tcp", req.URL.Host)
	if err != nil {
		return 0, nil, nil, err
	}
	defer conn.Close()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), req.URL.Host, len(body)+1)
	if err := req.Header.Write(&b); err != nil {
		return 0, nil, nil, err
	}
	b.WriteString("\r\n" + body)
	if _, err := conn.Write(b.Bytes()); err != nil {
		return 0, nil, nil, err
	}
	tcp, ok := conn.(*net.TCPConn)
	if !ok {
		return 0, nil, nil, fmt.Errorf("%T is not a TCP connection", conn)
	}
	if err := tcp.CloseWrite(); err != nil {
		return 0, nil, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data, err
}
