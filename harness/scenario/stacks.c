/* The stacks this build has (see stacks.h). */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "escape.h"
#include "paths.h"
#include "stacks.h"

int nf_stacks_dir(char *buf, size_t len)
{
	const char *env = getenv("NETFLAP_STACKS_DIR");
	struct stat st;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -ENOENT;
	}
	int rc = nf_path_find(NF_FILE_LIB, "stacks", buf, len);
	return rc < 0 ? rc : stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

void nf_stacks_list(struct nf_stack_list *out)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *e;

	out->n = 0;
	if (nf_stacks_dir(dir, sizeof(dir)) == 0 && (d = opendir(dir))) {
		while ((e = readdir(d)) && out->n < NF_STACKS_MAX - 1) {
			size_t l = strlen(e->d_name);
			if (l <= 5 || l - 5 >= NF_STACK_NAME_MAX || strcmp(e->d_name + l - 5, ".info"))
				continue;
			memcpy(out->name[out->n], e->d_name, l - 5);
			out->name[out->n++][l - 5] = '\0';
		}
		closedir(d);
	}
	qsort(out->name, out->n, sizeof(out->name[0]), by_name);
	snprintf(out->name[out->n++], NF_STACK_NAME_MAX, "linux");
}

int nf_stacks_has(const struct nf_stack_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0)
			return 1;
	return 0;
}

static FILE *open_manifest(const char *name)
{
	char dir[PATH_MAX], path[PATH_MAX + NF_STACK_NAME_MAX + 8];

	if (strchr(name, '/') || nf_stacks_dir(dir, sizeof(dir)) < 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s.info", dir, name);
	return fopen(path, "re");
}

int nf_stack_field(const char *name, const char *key, char *out, size_t len)
{
	FILE *f = open_manifest(name);
	char line[PATH_MAX + 128];
	size_t kl = strlen(key);
	int rc = -ENOENT;

	if (!f)
		return -ENOENT;
	while (rc == -ENOENT && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, key, kl) || line[kl] != '=')
			continue;
		rc = strlen(line + kl + 1) < len ? 0 : -ENAMETOOLONG;
		if (rc == 0)
			strcpy(out, line + kl + 1);
	}
	fclose(f);
	return rc;
}

/* one key=value manifest line as a JSON member */
static void put_member(FILE *f, const char *indent, const char *line, int *first)
{
	const char *eq = strchr(line, '=');

	if (!eq)
		return;
	fprintf(f, "%s%s  \"%.*s\": ", *first ? "" : ",\n", indent, (int)(eq - line), line);
	nf_put_json_string(f, eq + 1);
	*first = 0;
}

/* patch=SHA PATH lines, in their order, as a list */
static void put_patches(FILE *f, FILE *m)
{
	char line[PATH_MAX + 128];
	int n = 0;

	rewind(m);
	fputc('[', f);
	while (fgets(line, sizeof(line), m)) {
		line[strcspn(line, "\n")] = '\0';
		char *sp = strchr(line, ' ');
		if (strncmp(line, "patch=", 6) || !sp)
			continue;
		*sp = '\0';
		fprintf(f, "%s{\"sha256\": ", n++ ? ", " : "");
		nf_put_json_string(f, line + 6);
		fprintf(f, ", \"file\": ");
		nf_put_json_string(f, sp + 1);
		fputc('}', f);
	}
	fputc(']', f);
}

int nf_stack_write_json(const char *name, FILE *f, const char *indent)
{
	char line[PATH_MAX + 128];
	int first = 1;
	FILE *m;

	if (strcmp(name, "linux") == 0) {
		struct utsname u;
		uname(&u);
		fprintf(f, "{\"name\": \"linux\", \"kernel\": ");
		nf_put_json_string(f, u.release);
		fputc('}', f);
		return 0;
	}
	if (!(m = open_manifest(name)))
		return -ENOENT;
	fputs("{\n", f);
	while (fgets(line, sizeof(line), m)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "patch=", 6))
			put_member(f, indent, line, &first);
	}
	fprintf(f, "%s%s  \"patches\": ", first ? "" : ",\n", indent);
	put_patches(f, m);
	fprintf(f, "\n%s}", indent);
	fclose(m);
	return 0;
}
