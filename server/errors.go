package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/citydata/catalogue/domain"
)

// errPanic marks an error made from a recovered panic, already logged.
var errPanic = errors.New("panic")

// recoverFunc logs a panic in a resolver with its stack; the client gets
// "internal error" through presentError.
func recoverFunc(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "path", pathOf(ctx), "stack", string(debug.Stack()))
		return errPanic
	}
}

func pathOf(ctx context.Context) string {
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		return fc.Path().String()
	}
	return ""
}

// presentError gives every error an extensions.code, and logs it at the
// level it deserves:
//
//   - A *domain.Error keeps its message and code: the request was refused
//     (INFO; a FORBIDDEN or NOT_FOUND gate, routine and possibly one per
//     row, at DEBUG).
//   - GraphQL's own parse and validation errors keep theirs (INFO).
//   - A request the transport could not decode (not JSON, not an object)
//     is BAD_USER_INPUT (INFO), and the body gqlgen copies into its
//     message is dropped: it may hold tokens or personal data.
//   - A database that cannot be reached or went away mid-request is
//     UNAVAILABLE, "the database is unavailable; try again" (WARN).
//   - An error of a request its client gave up on (context canceled) is
//     CANCELED (DEBUG): nobody reads the answer, and it is no fault.
//   - Anything else is an internal error (ERROR): the client sees
//     "internal error" and the log gets the whole chain.
//
// Messages are logged, never request bodies or headers.
func presentError(log *slog.Logger, unavailable func(error) bool) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var de *domain.Error
		if errors.As(err, &de) {
			gqlErr.Message = de.Message
			setCode(gqlErr, string(de.Code))
			level := slog.LevelInfo
			if de.Code == domain.EForbidden || de.Code == domain.ENotFound {
				level = slog.LevelDebug
			}
			log.Log(ctx, level, "request refused", "code", string(de.Code), "message", clip(de.Message), "path", gqlErr.Path.String())
			return gqlErr
		}
		if errors.Is(err, errPanic) {
			return internalError(gqlErr) // logged with its stack by recoverFunc
		}
		if code, ok := gqlErr.Extensions["code"].(string); ok {
			if code == "GRAPHQL_VALIDATION_FAILED" && isBadValue(gqlErr) {
				// A value of the wrong type, an unknown enum value or a bad
				// variable is the caller's input, not the query's shape.
				setCode(gqlErr, string(domain.EInvalid))
			}
			log.InfoContext(ctx, "request refused", "code", gqlErr.Extensions["code"], "rule", gqlErr.Rule, "message", clip(gqlErr.Message))
			return gqlErr
		}
		var ge *gqlerror.Error
		if errors.As(err, &ge) && !graphql.HasOperationContext(ctx) {
			// The transport's own refusal, before any operation: the body
			// is not a GraphQL request. gqlgen's message ends with the
			// body itself, which stays out of the answer and the log.
			msg := "the request is not a GraphQL request: send a JSON object with a query string"
			if !strings.HasPrefix(ge.Message, "json request body could not be decoded") {
				msg, _, _ = strings.Cut(ge.Message, " body:")
			}
			log.InfoContext(ctx, "request refused", "code", string(domain.EInvalid), "message", clip(msg))
			return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(domain.EInvalid)}}
		}
		if unavailable != nil && unavailable(err) {
			log.WarnContext(ctx, "database unavailable", "err", err.Error(), "path", gqlErr.Path.String())
			return &gqlerror.Error{
				Message:    domain.UnavailableMessage,
				Path:       gqlErr.Path,
				Extensions: map[string]any{"code": string(domain.EUnavailable)},
			}
		}
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			log.DebugContext(ctx, "request canceled", "err", err.Error(), "path", gqlErr.Path.String())
			return &gqlerror.Error{
				Message:    "the request was canceled",
				Path:       gqlErr.Path,
				Extensions: map[string]any{"code": codeCanceled},
			}
		}
		log.ErrorContext(ctx, "internal error", "err", err.Error(), "path", gqlErr.Path.String())
		return internalError(gqlErr)
	}
}

// codeCanceled is the code of an error of a request its client gave up on
// (or that the server cut short at the end of its shutdown grace): it
// reaches no one, and says so in the log.
const codeCanceled = "CANCELED"

func internalError(gqlErr *gqlerror.Error) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    "internal error",
		Path:       gqlErr.Path,
		Extensions: map[string]any{"code": string(domain.EInternal)},
	}
}

// clip bounds a message in the log: a parse error can quote the query.
func clip(s string) string {
	const most = 300
	if len(s) <= most {
		return s
	}
	return strings.ToValidUTF8(s[:most], "") + "…"
}

// isBadValue tells validation errors about input values (wrong type,
// unknown enum value, variable coercion) from errors in the query's shape.
func isBadValue(e *gqlerror.Error) bool {
	switch e.Rule {
	case "ValuesOfCorrectType", "VariablesInAllowedPosition":
		return true
	case "":
		// Variable coercion errors carry no rule but a path into the
		// variables ("variable", name, ...).
		return len(e.Path) > 0 && fmt.Sprint(e.Path[0]) == "variable"
	}
	return false
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}
