package domain

import (
	"errors"
	"fmt"
)

// Code classifies an error for clients. The values are the GraphQL
// extensions.code strings, so the transport maps them one to one.
type Code string

const (
	EInvalid         Code = "BAD_USER_INPUT"
	EUnauthenticated Code = "UNAUTHENTICATED"
	EForbidden       Code = "FORBIDDEN"
	ENotFound        Code = "NOT_FOUND"
	EConflict        Code = "CONFLICT"
	EPrecondition    Code = "FAILED_PRECONDITION"
	EInternal        Code = "INTERNAL"
	// EUnavailable: the database could not be reached or went away during
	// the request (a restart, a network failure). Nothing the client sent
	// was wrong: it may retry, a mutation with the same idempotencyKey.
	EUnavailable Code = "UNAVAILABLE"
)

// UnavailableMessage is what a client is told when the database is
// unavailable.
const UnavailableMessage = "the database is unavailable; try again"

// Error is an error a user can act on: its Message is shown to the client as
// is, so it must never carry internal detail.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EInternal for any other non-nil error.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err: the message of the
// first *Error in its chain, or "internal error" for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
