package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

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

// presentError gives every error an extensions.code. A *domain.Error keeps
// its message; GraphQL's own parse and validation errors keep theirs;
// anything else is an internal error: the client sees "internal error" and
// the log gets the whole chain.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var de *domain.Error
		if errors.As(err, &de) {
			gqlErr.Message = de.Message
			setCode(gqlErr, string(de.Code))
			return gqlErr
		}
		if code, ok := gqlErr.Extensions["code"].(string); ok && !errors.Is(err, errPanic) {
			if code == "GRAPHQL_VALIDATION_FAILED" && isBadValue(gqlErr) {
				// A value of the wrong type, an unknown enum value or a bad
				// variable is the caller's input, not the query's shape.
				setCode(gqlErr, string(domain.EInvalid))
			}
			return gqlErr
		}
		if !errors.Is(err, errPanic) {
			log.ErrorContext(ctx, "internal error", "err", err.Error(), "path", gqlErr.Path.String())
		}
		return &gqlerror.Error{
			Message:    "internal error",
			Path:       gqlErr.Path,
			Extensions: map[string]any{"code": string(domain.EInternal)},
		}
	}
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
