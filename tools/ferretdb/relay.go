package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"

	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// MongoDB wire protocol constants.
const (
	headerLen = 16

	opQuery      = 2004
	opCompressed = 2012
	opMsg        = 2013

	flagChecksumPresent = 1 << 0
	flagMoreToCome      = 1 << 1

	// Generous upper bound: MongoDB's maxMessageSizeBytes is 48,000,000.
	maxMessageLen = 64 << 20
)

// writeCommands are the commands (lower-cased) whose value is a collection name and that
// FerretDB 1.24 applies as unprotected read-modify-write; they are serialized per collection.
var writeCommands = map[string]bool{
	"insert":        true,
	"update":        true,
	"delete":        true,
	"findandmodify": true,
	"create":        true,
	"createindexes": true,
	"drop":          true,
	"dropindexes":   true,
}

// Relay copies MongoDB wire protocol messages between TCP clients and FerretDB's Unix socket,
// holding a per-collection mutex around write commands so concurrent writes cannot race
// inside FerretDB.
type Relay struct {
	// Dial opens one backend connection per client connection.
	Dial   func() (net.Conn, error)
	Logger *slog.Logger

	locks sync.Map // "<db>.<collection>" -> *sync.Mutex
}

// Serve accepts client connections until ctx is canceled or ln fails.
// Canceling ctx closes ln and every relayed connection.
func (r *Relay) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()

	var wg sync.WaitGroup
	defer wg.Wait()

	for {
		client, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}

		wg.Add(1)
		go func() {
			defer wg.Done()
			r.handle(ctx, client)
		}()
	}
}

// handle relays one client connection over its own backend connection until either side closes.
func (r *Relay) handle(ctx context.Context, client net.Conn) {
	defer client.Close()

	backend, err := r.Dial()
	if err != nil {
		r.Logger.Error("relay: cannot connect to FerretDB", "error", err)
		return
	}
	defer backend.Close()

	// On shutdown, unblock whichever read is pending.
	stop := context.AfterFunc(ctx, func() {
		client.Close()
		backend.Close()
	})
	defer stop()

	for {
		req, err := readMessage(client)
		if err != nil {
			if !isClosed(err) {
				r.Logger.Warn("relay: reading client request", "error", err)
			}
			return
		}

		if err = r.exchange(req, client, backend); err != nil {
			if !isClosed(err) {
				r.Logger.Warn("relay: exchanging with FerretDB", "error", err)
			}
			return
		}
	}
}

// exchange forwards one request to the backend and its reply (or replies) back to the client,
// under the collection's lock when the request is a write.
func (r *Relay) exchange(req []byte, client, backend net.Conn) error {
	info := inspect(req)

	if info.lockKey != "" {
		mu := r.lock(info.lockKey)
		mu.Lock()
		defer mu.Unlock()
	}

	if _, err := backend.Write(req); err != nil {
		return err
	}

	// A request with moreToCome gets no reply at all.
	if info.moreToCome {
		return nil
	}

	for {
		reply, err := readMessage(backend)
		if err != nil {
			return err
		}

		if _, err = client.Write(reply); err != nil {
			return err
		}

		// An exhaust reply (OP_MSG with moreToCome) is followed by more replies.
		if opCode(reply) != opMsg || msgFlags(reply)&flagMoreToCome == 0 {
			return nil
		}
	}
}

func (r *Relay) lock(key string) *sync.Mutex {
	mu, _ := r.locks.LoadOrStore(key, new(sync.Mutex))
	return mu.(*sync.Mutex)
}

// requestInfo is what the relay needs to know about a request.
type requestInfo struct {
	command    string // first key of the OP_MSG body, as sent
	lockKey    string // "<db>.<collection>" for write commands, empty otherwise
	moreToCome bool   // no reply will follow
}

// inspect extracts the command, lock key and moreToCome flag from a full message.
// Anything it cannot parse (other opcodes, malformed OP_MSG) is relayed unlocked
// and left for FerretDB to accept or reject.
func inspect(msg []byte) requestInfo {
	var info requestInfo

	if opCode(msg) != opMsg || len(msg) < headerLen+4 {
		return info
	}

	flags := msgFlags(msg)
	info.moreToCome = flags&flagMoreToCome != 0

	body := opMsgBody(msg, flags)
	if body == nil {
		return info
	}

	first, err := body.IndexErr(0)
	if err != nil {
		return info
	}
	info.command = first.Key()

	if !writeCommands[strings.ToLower(info.command)] {
		return info
	}

	coll, ok := first.Value().StringValueOK()
	if !ok {
		return info
	}

	db, ok := body.Lookup("$db").StringValueOK()
	if !ok {
		return info
	}

	info.lockKey = db + "." + coll

	return info
}

// opMsgBody returns the kind 0 section (command body) of an OP_MSG, or nil.
func opMsgBody(msg []byte, flags uint32) bsoncore.Document {
	sections := msg[headerLen+4:]
	if flags&flagChecksumPresent != 0 {
		if len(sections) < 4 {
			return nil
		}
		sections = sections[:len(sections)-4]
	}

	for len(sections) > 0 {
		kind := sections[0]
		sections = sections[1:]

		switch kind {
		case 0: // a single BSON document
			doc, _, ok := bsoncore.ReadDocument(sections)
			if !ok || doc.Validate() != nil {
				return nil
			}
			return doc

		case 1: // int32 size (counting itself) + cstring identifier + documents
			if len(sections) < 4 {
				return nil
			}
			size := int(int32(binary.LittleEndian.Uint32(sections)))
			if size < 4 || size > len(sections) {
				return nil
			}
			sections = sections[size:]

		default:
			return nil
		}
	}

	return nil
}

// readMessage reads one complete wire protocol message (header included).
func readMessage(r io.Reader) ([]byte, error) {
	var header [headerLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}

	n := int32(binary.LittleEndian.Uint32(header[:4]))
	if n < headerLen || n > maxMessageLen {
		return nil, fmt.Errorf("invalid message length %d", n)
	}

	msg := make([]byte, n)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[headerLen:]); err != nil {
		return nil, err
	}

	return msg, nil
}

// opCode returns the header's opCode.
func opCode(msg []byte) int32 {
	return int32(binary.LittleEndian.Uint32(msg[12:16]))
}

// msgFlags returns an OP_MSG's flagBits (0 if the message is too short).
func msgFlags(msg []byte) uint32 {
	if len(msg) < headerLen+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(msg[headerLen : headerLen+4])
}

// isClosed reports errors that just mean one side hung up.
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
