// Package domain holds the catalogue's types and its pure rules: the
// credit-code check, visibility decisions, and (in later files) deadlines and
// state machines. It imports only the standard library, so every rule can be
// read and tested on its own; store/ and resolvers/ are adapters around it.
//
// Each rule taken from a regulation cites its article in a comment, e.g.
// "MZ 11" for article 11 of the Meizhou measures (see README "Regulations").
package domain
