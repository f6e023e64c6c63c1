/* examples/wc: counts the lines, words and bytes of a file in the job workspace, like `wc`.
 *
 * A WASI command module (built by `arcade plugin build` with clang --target=wasm32-wasi). The request
 * JSON {"action", "args", "config", "context"} arrives on stdin; the result goes to stdout as one JSON
 * object, log lines to stderr; on bad input it writes why on stderr and exits 1. The manifest grants the
 * workspace read-only, preopened at /workspace, and nothing else.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_REQUEST (1024 * 1024) /* bytes of request JSON we accept */
#define MAX_DEPTH 64              /* nesting of JSON values we accept */
#define MAX_KEY 64                /* longer member names never match */

static char request[MAX_REQUEST + 1];

/* ----------------------------------------------------------------------- a small JSON reader */

struct cursor {
    const char *p;
    const char *end;
};

static void skip_space(struct cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int hex4(struct cursor *c, unsigned *out) {
    unsigned value = 0;
    for (int i = 0; i < 4; i++) {
        if (c->p >= c->end)
            return -1;
        char h = *c->p++;
        value <<= 4;
        if (h >= '0' && h <= '9')
            value |= (unsigned)(h - '0');
        else if (h >= 'a' && h <= 'f')
            value |= (unsigned)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F')
            value |= (unsigned)(h - 'A' + 10);
        else
            return -1;
    }
    *out = value;
    return 0;
}

static size_t utf8(unsigned code, char *buf) {
    if (code < 0x80) {
        buf[0] = (char)code;
        return 1;
    }
    if (code < 0x800) {
        buf[0] = (char)(0xC0 | (code >> 6));
        buf[1] = (char)(0x80 | (code & 0x3F));
        return 2;
    }
    if (code < 0x10000) {
        buf[0] = (char)(0xE0 | (code >> 12));
        buf[1] = (char)(0x80 | ((code >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (code & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (code >> 18));
    buf[1] = (char)(0x80 | ((code >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((code >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (code & 0x3F));
    return 4;
}

/* Read the JSON string at the cursor, decoding it into out (cap bytes, NUL included) unless out is
 * NULL. Returns the decoded length, -1 for malformed JSON, -2 when it does not fit in out. */
static long read_string(struct cursor *c, char *out, size_t cap) {
    size_t length = 0, written = 0;
    int overflow = 0;
    if (c->p >= c->end || *c->p != '"')
        return -1;
    c->p++;
    while (c->p < c->end) {
        unsigned char ch = (unsigned char)*c->p++;
        char buf[4];
        size_t n = 1;
        if (ch == '"') {
            if (out != NULL && cap > 0)
                out[written] = '\0';
            return overflow ? -2 : (long)length;
        }
        if (ch < 0x20)
            return -1;
        buf[0] = (char)ch;
        if (ch == '\\') {
            if (c->p >= c->end)
                return -1;
            switch (*c->p++) {
            case '"': buf[0] = '"'; break;
            case '\\': buf[0] = '\\'; break;
            case '/': buf[0] = '/'; break;
            case 'b': buf[0] = '\b'; break;
            case 'f': buf[0] = '\f'; break;
            case 'n': buf[0] = '\n'; break;
            case 'r': buf[0] = '\r'; break;
            case 't': buf[0] = '\t'; break;
            case 'u': {
                unsigned code, low;
                if (hex4(c, &code) != 0)
                    return -1;
                if (code >= 0xD800 && code <= 0xDBFF) {
                    if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u')
                        return -1;
                    c->p += 2;
                    if (hex4(c, &low) != 0 || low < 0xDC00 || low > 0xDFFF)
                        return -1;
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                } else if (code >= 0xDC00 && code <= 0xDFFF) {
                    return -1;
                }
                n = utf8(code, buf);
                break;
            }
            default:
                return -1;
            }
        }
        if (out != NULL && written + n < cap) {
            memcpy(out + written, buf, n);
            written += n;
        } else if (out != NULL) {
            overflow = 1;
        }
        length += n;
    }
    return -1;
}

static int skip_value(struct cursor *c, int depth);

static int skip_container(struct cursor *c, int depth, char close, int members) {
    c->p++;
    skip_space(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return 0;
    }
    for (;;) {
        if (members) {
            if (read_string(c, NULL, 0) < 0)
                return -1;
            skip_space(c);
            if (c->p >= c->end || *c->p++ != ':')
                return -1;
            skip_space(c);
        }
        if (skip_value(c, depth + 1) != 0)
            return -1;
        skip_space(c);
        if (c->p >= c->end)
            return -1;
        char next = *c->p++;
        if (next == close)
            return 0;
        if (next != ',')
            return -1;
        skip_space(c);
    }
}

static int skip_literal(struct cursor *c, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return -1;
    c->p += n;
    return 0;
}

static int skip_value(struct cursor *c, int depth) {
    if (depth > MAX_DEPTH || c->p >= c->end)
        return -1;
    switch (*c->p) {
    case '"': return read_string(c, NULL, 0) < 0 ? -1 : 0;
    case '{': return skip_container(c, depth, '}', 1);
    case '[': return skip_container(c, depth, ']', 0);
    case 't': return skip_literal(c, "true");
    case 'f': return skip_literal(c, "false");
    case 'n': return skip_literal(c, "null");
    default: {
        const char *start = c->p;
        while (c->p < c->end && strchr("0123456789+-.eE", *c->p) != NULL)
            c->p++;
        return c->p > start ? 0 : -1;
    }
    }
}

/* With the cursor on an object, move it to the value of member `key`.
 * Returns 1 when found, 0 when the object has no such member, -1 for malformed JSON. */
static int find_member(struct cursor *c, const char *key) {
    char name[MAX_KEY];
    if (c->p >= c->end || *c->p != '{')
        return -1;
    c->p++;
    skip_space(c);
    if (c->p < c->end && *c->p == '}')
        return 0;
    for (;;) {
        long n = read_string(c, name, sizeof name);
        if (n == -1)
            return -1;
        skip_space(c);
        if (c->p >= c->end || *c->p++ != ':')
            return -1;
        skip_space(c);
        if (n >= 0 && strlen(name) == (size_t)n && strcmp(name, key) == 0)
            return 1;
        if (skip_value(c, 1) != 0)
            return -1;
        skip_space(c);
        if (c->p >= c->end)
            return -1;
        char next = *c->p++;
        if (next == '}')
            return 0;
        if (next != ',')
            return -1;
        skip_space(c);
    }
}

/* Copy the string member `key` of the request's member `object` (NULL: of the request itself) into
 * out. Returns 1 when found, 0 when absent; on bad input prints why to stderr and exits 1. */
static int string_field(const char *json, size_t size, const char *object, const char *key, char *out,
                        size_t cap) {
    struct cursor c = {json, json + size};
    int found;
    skip_space(&c);
    if (object != NULL) {
        found = find_member(&c, object);
        if (found < 0) {
            fprintf(stderr, "the request is not a well-formed JSON object\n");
            exit(1);
        }
        if (found == 0)
            return 0;
        skip_space(&c);
        if (c.p >= c.end || *c.p != '{') {
            fprintf(stderr, "%s must be a JSON object\n", object);
            exit(1);
        }
    }
    found = find_member(&c, key);
    if (found < 0) {
        fprintf(stderr, "the request is not a well-formed JSON object\n");
        exit(1);
    }
    if (found == 0)
        return 0;
    const char *dot = object != NULL ? "." : "";
    object = object != NULL ? object : "";
    if (c.p >= c.end || *c.p != '"') {
        fprintf(stderr, "%s%s%s must be a string\n", object, dot, key);
        exit(1);
    }
    long n = read_string(&c, out, cap);
    if (n == -1) {
        fprintf(stderr, "%s%s%s is not a well-formed JSON string\n", object, dot, key);
        exit(1);
    }
    if (n == -2) {
        fprintf(stderr, "%s%s%s is longer than %zu bytes\n", object, dot, key, cap - 1);
        exit(1);
    }
    if (strlen(out) != (size_t)n) {
        fprintf(stderr, "%s%s%s must not contain NUL characters\n", object, dot, key);
        exit(1);
    }
    return 1;
}

static size_t read_request(void) {
    size_t size = fread(request, 1, sizeof request, stdin);
    if (ferror(stdin)) {
        fprintf(stderr, "cannot read the request from stdin\n");
        exit(1);
    }
    if (size > MAX_REQUEST) {
        fprintf(stderr, "the request is larger than %d bytes\n", MAX_REQUEST);
        exit(1);
    }
    request[size] = '\0';
    return size;
}

/* ------------------------------------------------------------------------------- the action */

#define MAX_PATH 1024

static int is_space(int ch) {
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r';
}

int main(void) {
    static unsigned char chunk[64 * 1024];
    char action[64] = "";
    char path[MAX_PATH + 1];
    char full[MAX_PATH + sizeof "/workspace/"];
    unsigned long long lines = 0, words = 0, bytes = 0;
    int in_word = 0;
    size_t size = read_request();
    string_field(request, size, NULL, "action", action, sizeof action);
    if (strcmp(action, "count") != 0) {
        fprintf(stderr, "unknown action '%s' (this plugin has: count)\n", action);
        return 1;
    }
    if (!string_field(request, size, "args", "path", path, sizeof path)) {
        fprintf(stderr, "args.path is required\n");
        return 1;
    }
    if (path[0] == '\0' || path[0] == '/') {
        fprintf(stderr, "args.path must be a path relative to the workspace: '%s'\n", path);
        return 1;
    }
    /* No check for '..' here: the sandbox itself refuses anything outside /workspace. */
    snprintf(full, sizeof full, "/workspace/%s", path);
    FILE *file = fopen(full, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s: %s\n", full, strerror(errno));
        return 1;
    }
    struct stat info;
    if (fstat(fileno(file), &info) == 0 && S_ISDIR(info.st_mode)) {
        fprintf(stderr, "args.path names a folder, not a file: %s\n", path);
        fclose(file);
        return 1;
    }
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, file)) > 0) {
        bytes += got;
        for (size_t i = 0; i < got; i++) {
            if (chunk[i] == '\n')
                lines++;
            if (is_space(chunk[i])) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                words++;
            }
        }
    }
    if (ferror(file)) {
        fprintf(stderr, "cannot read %s: %s\n", full, strerror(errno));
        fclose(file);
        return 1;
    }
    fclose(file);
    fprintf(stderr, "%s: %llu lines, %llu words, %llu bytes\n", path, lines, words, bytes);
    printf("{\"lines\": %llu, \"words\": %llu, \"bytes\": %llu}\n", lines, words, bytes);
    return 0;
}
