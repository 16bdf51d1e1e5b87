// boss.secret values on the Lua side: an opaque userdata holding the text, so that
// printing, logging or concatenating one never shows it. tostring gives "<secret>";
// concatenation gives another secret (`"postgres://u:" .. pw .. "@db"`); boss.reveal
// gives the text to code that must have it. Every text a secret holds is handed to the
// redactor when the value is made (core/secrets.h).
#pragma once

#include <string>

struct lua_State;

namespace boss {

class SecretRedactor;

// Creates the metatable of secret values in L's registry; `redactor` (may be null)
// receives every secret text made from then on, and must outlive the state.
void register_secret_type(lua_State* L, SecretRedactor* redactor);
// Where secret texts go from now on (null: nowhere); `redactor` must outlive the state.
void set_secret_redactor(lua_State* L, SecretRedactor* redactor);
// Pushes a new secret holding `text` (and hands it to the redactor).
void push_secret(lua_State* L, const std::string& text);
// The text of the secret at `index`, or null when the value there is not a secret.
const std::string* to_secret(lua_State* L, int index);

}  // namespace boss
