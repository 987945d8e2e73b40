package main

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// buildMsg assembles an OP_MSG from a body and optional document sequences.
func buildMsg(t *testing.T, flags uint32, body bsoncore.Document, seqs map[string][]bsoncore.Document) []byte {
	t.Helper()

	msg := make([]byte, headerLen)
	binary.LittleEndian.PutUint32(msg[12:], opMsg)
	msg = binary.LittleEndian.AppendUint32(msg, flags)

	// Document sequences first, to check the body is found wherever it is.
	for id, docs := range seqs {
		var sec []byte
		sec = append(sec, id...)
		sec = append(sec, 0)
		for _, d := range docs {
			sec = append(sec, d...)
		}
		msg = append(msg, 1)
		msg = binary.LittleEndian.AppendUint32(msg, uint32(4+len(sec)))
		msg = append(msg, sec...)
	}

	msg = append(msg, 0)
	msg = append(msg, body...)

	if flags&flagChecksumPresent != 0 {
		msg = append(msg, 0xde, 0xad, 0xbe, 0xef) // not verified by the relay
	}

	binary.LittleEndian.PutUint32(msg, uint32(len(msg)))

	return msg
}

func doc(t *testing.T, v any) bsoncore.Document {
	t.Helper()

	b, err := bson.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}

	return b
}

// cmdDoc builds a command document from key, value pairs, keeping their order.
func cmdDoc(t *testing.T, kv ...any) bsoncore.Document {
	t.Helper()

	var d bson.D
	for i := 0; i+1 < len(kv); i += 2 {
		d = append(d, bson.E{Key: kv[i].(string), Value: kv[i+1]})
	}

	return doc(t, d)
}

func TestInspect(t *testing.T) {
	seq := map[string][]bsoncore.Document{"documents": {doc(t, bson.M{"a": 1}), doc(t, bson.M{"a": 2})}}

	for name, tc := range map[string]struct {
		msg  []byte
		want requestInfo
	}{
		"insertWithSequence": {
			msg:  buildMsg(t, 0, cmdDoc(t, "insert", "users", "ordered", true, "$db", "app"), seq),
			want: requestInfo{command: "insert", lockKey: "app.users"},
		},
		"checksum": {
			msg:  buildMsg(t, flagChecksumPresent, cmdDoc(t, "update", "c", "$db", "d"), nil),
			want: requestInfo{command: "update", lockKey: "d.c"},
		},
		"lowercaseFindAndModify": {
			msg:  buildMsg(t, 0, cmdDoc(t, "findandmodify", "c", "$db", "d"), nil),
			want: requestInfo{command: "findandmodify", lockKey: "d.c"},
		},
		"unacknowledgedDelete": {
			msg:  buildMsg(t, flagMoreToCome, cmdDoc(t, "delete", "c", "$db", "d"), nil),
			want: requestInfo{command: "delete", lockKey: "d.c", moreToCome: true},
		},
		"read": {
			msg:  buildMsg(t, 0, cmdDoc(t, "find", "c", "$db", "d"), nil),
			want: requestInfo{command: "find"},
		},
		"nonStringCollection": {
			msg:  buildMsg(t, 0, cmdDoc(t, "insert", 1, "$db", "d"), nil),
			want: requestInfo{command: "insert"},
		},
		"opQuery": {
			msg:  append(binary.LittleEndian.AppendUint32([]byte{20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, opQuery), 0, 0, 0, 0),
			want: requestInfo{},
		},
		"truncatedBody": {
			msg:  buildMsg(t, 0, cmdDoc(t, "insert", "c", "$db", "d"), nil)[:25],
			want: requestInfo{},
		},
	} {
		t.Run(name, func(t *testing.T) {
			if got := inspect(tc.msg); got != tc.want {
				t.Errorf("inspect() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// fakeBackend answers every OP_MSG with {ok: 1} after a short delay, tracking how many
// requests per command+collection are in flight at once. Command "exhaust" gets three
// replies, the first two flagged moreToCome; requests with moreToCome get none.
type fakeBackend struct {
	mu       sync.Mutex
	inFlight map[string]int
	maxSeen  map[string]int
}

func (f *fakeBackend) dial() (net.Conn, error) {
	client, server := net.Pipe()
	go f.serve(server)
	return client, nil
}

func (f *fakeBackend) serve(conn net.Conn) {
	defer conn.Close()

	for {
		req, err := readMessage(conn)
		if err != nil {
			return
		}

		body := opMsgBody(req, msgFlags(req))
		coll, _ := body.Index(0).Value().StringValueOK()
		key := body.Index(0).Key() + " " + coll

		f.mu.Lock()
		f.inFlight[key]++
		f.maxSeen[key] = max(f.maxSeen[key], f.inFlight[key])
		f.mu.Unlock()

		time.Sleep(10 * time.Millisecond)

		f.mu.Lock()
		f.inFlight[key]--
		f.mu.Unlock()

		if msgFlags(req)&flagMoreToCome != 0 {
			continue
		}

		replies := 1
		if body.Index(0).Key() == "exhaust" {
			replies = 3
		}
		for i := range replies {
			var flags uint32
			if i < replies-1 {
				flags = flagMoreToCome
			}
			reply := buildMsgNoT(flags, bsoncore.NewDocumentBuilder().AppendInt32("ok", 1).AppendInt32("n", int32(i)).Build())
			if _, err = conn.Write(reply); err != nil {
				return
			}
		}
	}
}

// buildMsgNoT is buildMsg without sequences, usable outside the test goroutine.
func buildMsgNoT(flags uint32, body bsoncore.Document) []byte {
	msg := make([]byte, headerLen, headerLen+5+len(body))
	binary.LittleEndian.PutUint32(msg[12:], opMsg)
	msg = binary.LittleEndian.AppendUint32(msg, flags)
	msg = append(msg, 0)
	msg = append(msg, body...)
	binary.LittleEndian.PutUint32(msg, uint32(len(msg)))
	return msg
}

func startRelay(t *testing.T, dial func() (net.Conn, error)) string {
	t.Helper()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	r := &Relay{Dial: dial, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan error)
	go func() { done <- r.Serve(ctx, ln) }()

	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})

	return ln.Addr().String()
}

// roundTrip sends msg on a fresh connection and returns the replies read (want of them).
func roundTrip(t *testing.T, addr string, msgs [][]byte, want int) [][]byte {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return nil
	}
	defer conn.Close()

	for _, m := range msgs {
		if _, err = conn.Write(m); err != nil {
			t.Error(err)
			return nil
		}
	}

	var replies [][]byte
	for range want {
		r, err := readMessage(conn)
		if err != nil {
			t.Error(err)
			return nil
		}
		replies = append(replies, r)
	}

	return replies
}

func TestRelaySerializesWritesPerCollection(t *testing.T) {
	fb := &fakeBackend{inFlight: map[string]int{}, maxSeen: map[string]int{}}
	addr := startRelay(t, fb.dial)

	msg := func(cmd, coll string) []byte {
		return buildMsg(t, 0, cmdDoc(t, cmd, coll, "$db", "d"), nil)
	}

	var wg sync.WaitGroup
	for range 8 {
		for _, m := range [][]byte{msg("update", "a"), msg("findAndModify", "a"), msg("find", "a"), msg("insert", "b")} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				roundTrip(t, addr, [][]byte{m}, 1)
			}()
		}
	}
	wg.Wait()

	fb.mu.Lock()
	defer fb.mu.Unlock()

	if n := fb.maxSeen["update a"] + fb.maxSeen["findAndModify a"]; n > 2 {
		t.Errorf("writes on d.a overlapped: max in flight update=%d findAndModify=%d", fb.maxSeen["update a"], fb.maxSeen["findAndModify a"])
	}
	if fb.maxSeen["update a"] != 1 || fb.maxSeen["findAndModify a"] != 1 || fb.maxSeen["insert b"] != 1 {
		t.Errorf("writes were not serialized: %v", fb.maxSeen)
	}
	if fb.maxSeen["find a"] < 2 {
		t.Errorf("reads were serialized, want them concurrent: %v", fb.maxSeen)
	}
}

func TestRelayMoreToCome(t *testing.T) {
	fb := &fakeBackend{inFlight: map[string]int{}, maxSeen: map[string]int{}}
	addr := startRelay(t, fb.dial)

	// An unacknowledged write gets no reply; the next request on the same connection still works,
	// and all three exhaust replies come through.
	replies := roundTrip(t, addr, [][]byte{
		buildMsg(t, flagMoreToCome, cmdDoc(t, "insert", "c", "$db", "d"), nil),
		buildMsg(t, 0, cmdDoc(t, "exhaust", "c", "$db", "d"), nil),
		buildMsg(t, 0, cmdDoc(t, "ping", 1.0, "$db", "d"), nil),
	}, 4)
	if len(replies) != 4 {
		t.Fatalf("got %d replies, want 4", len(replies))
	}
	for i, r := range replies {
		wantMore := i < 2
		if got := msgFlags(r)&flagMoreToCome != 0; got != wantMore {
			t.Errorf("reply %d moreToCome=%v, want %v", i, got, wantMore)
		}
	}
}

func TestRelayClosesClientWhenBackendCloses(t *testing.T) {
	addr := startRelay(t, func() (net.Conn, error) {
		client, server := net.Pipe()
		go func() {
			_, _ = readMessage(server)
			server.Close() // hang up instead of replying
		}()
		return client, nil
	})

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	if _, err = conn.Write(buildMsg(t, 0, cmdDoc(t, "update", "c", "$db", "d"), nil)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err = readMessage(conn); !errors.Is(err, io.EOF) {
		t.Errorf("read after backend hang-up: %v, want EOF", err)
	}
}

// TestFerretDBConcurrentWrites runs the real FerretDB behind the relay and checks that the
// read-modify-write races of FerretDB 1.24 are gone.
func TestFerretDBConcurrentWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts FerretDB")
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sock, stop, err := startFerretDB(context.Background(), t.TempDir(), logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)

	addr := startRelay(t, func() (net.Conn, error) { return net.Dial("unix", sock) })

	ctx := context.Background()
	client, err := mongo.Connect(ctx, options.Client().ApplyURI("mongodb://"+addr+"/").SetMaxPoolSize(40))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(ctx) })

	c := client.Database("test").Collection("race")
	if _, err = c.InsertMany(ctx, []any{bson.M{"_id": "x", "v": 0}, bson.M{"_id": "n", "n": 0}, bson.M{"_id": "claim", "owner": nil}}); err != nil {
		t.Fatal(err)
	}

	const n = 20
	var modified, claims atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(3)
		go func() {
			defer wg.Done()
			res, err := c.UpdateOne(ctx, bson.M{"_id": "x", "v": 0}, bson.M{"$set": bson.M{"v": 1}})
			if err != nil {
				t.Error(err)
				return
			}
			modified.Add(res.ModifiedCount)
		}()
		go func() {
			defer wg.Done()
			if _, err := c.UpdateOne(ctx, bson.M{"_id": "n"}, bson.M{"$inc": bson.M{"n": 1}}); err != nil {
				t.Error(err)
			}
		}()
		go func() {
			defer wg.Done()
			err := c.FindOneAndUpdate(ctx, bson.M{"_id": "claim", "owner": nil}, bson.M{"$set": bson.M{"owner": i}}).Err()
			switch {
			case err == nil:
				claims.Add(1)
			case !errors.Is(err, mongo.ErrNoDocuments):
				t.Error(err)
			}
		}()
	}
	wg.Wait()

	var counter struct{ N int }
	if err = c.FindOne(ctx, bson.M{"_id": "n"}).Decode(&counter); err != nil {
		t.Fatal(err)
	}

	if modified.Load() != 1 {
		t.Errorf("compare-and-set winners = %d, want 1", modified.Load())
	}
	if counter.N != n {
		t.Errorf("$inc total = %d, want %d", counter.N, n)
	}
	if claims.Load() != 1 {
		t.Errorf("findOneAndUpdate claims = %d, want 1", claims.Load())
	}
}
