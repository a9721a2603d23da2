/* ziplist: ziplist_entries(string $path): array<string, int>, the entries of a zip archive
 * (name => uncompressed size, in archive order), read with libzip. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "ext/standard/info.h"
#include "zend_exceptions.h"
#include "php_ziplist.h"

#include <zip.h>

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_ziplist_entries, 0, 1, IS_ARRAY, 0)
    ZEND_ARG_TYPE_INFO(0, path, IS_STRING, 0)
ZEND_END_ARG_INFO()

PHP_FUNCTION(ziplist_entries)
{
    char *path;
    size_t path_len;
    int error = 0;

    ZEND_PARSE_PARAMETERS_START(1, 1)
        Z_PARAM_PATH(path, path_len)
    ZEND_PARSE_PARAMETERS_END();

    zip_t *archive = zip_open(path, ZIP_RDONLY, &error);
    if (archive == NULL) {
        zend_throw_exception_ex(NULL, 0, "ziplist: cannot open %s (libzip error %d)", path, error);
        RETURN_THROWS();
    }
    array_init(return_value);
    zip_int64_t count = zip_get_num_entries(archive, 0);
    for (zip_int64_t i = 0; i < count; i++) {
        zip_stat_t entry;
        if (zip_stat_index(archive, (zip_uint64_t) i, 0, &entry) == 0
            && (entry.valid & ZIP_STAT_NAME) && (entry.valid & ZIP_STAT_SIZE)) {
            add_assoc_long(return_value, entry.name, (zend_long) entry.size);
        }
    }
    zip_close(archive);
}

PHP_MINFO_FUNCTION(ziplist)
{
    php_info_print_table_start();
    php_info_print_table_header(2, "ziplist support", "enabled");
    php_info_print_table_row(2, "libzip", zip_libzip_version());
    php_info_print_table_end();
}

static const zend_function_entry ziplist_functions[] = {
    PHP_FE(ziplist_entries, arginfo_ziplist_entries)
    PHP_FE_END
};

zend_module_entry ziplist_module_entry = {
    STANDARD_MODULE_HEADER,
    "ziplist",
    ziplist_functions,
    NULL,
    NULL,
    NULL,
    NULL,
    PHP_MINFO(ziplist),
    PHP_ZIPLIST_VERSION,
    STANDARD_MODULE_PROPERTIES
};

#ifdef COMPILE_DL_ZIPLIST
ZEND_GET_MODULE(ziplist)
#endif
