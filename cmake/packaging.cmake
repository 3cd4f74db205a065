# What `cmake --install` and the Debian package (`scripts/package.sh`, CPack DEB) put on a machine:
# the binary, the manual page made from its own help texts (scripts/gen-man.sh), the shell
# completions made from its command table, the documentation and the examples.
include(GNUInstallDirs)

set(KBLINT_MAN_PAGE ${CMAKE_CURRENT_BINARY_DIR}/kblint.1.gz)
add_custom_command(
  OUTPUT ${KBLINT_MAN_PAGE}
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/scripts/gen-man.sh $<TARGET_FILE:kblint> ${CMAKE_CURRENT_BINARY_DIR}/kblint.1
  COMMAND gzip -n -9 -f ${CMAKE_CURRENT_BINARY_DIR}/kblint.1
  DEPENDS kblint ${CMAKE_CURRENT_SOURCE_DIR}/scripts/gen-man.sh
  COMMENT "Writing the kblint(1) manual page")
add_custom_target(kblint_man ALL DEPENDS ${KBLINT_MAN_PAGE})

# Shell completions, printed by the binary from its own command table (cli/cmd_completions.cpp).
set(KBLINT_COMPLETIONS_DIR ${CMAKE_CURRENT_BINARY_DIR}/completions)
set(KBLINT_COMPLETIONS ${KBLINT_COMPLETIONS_DIR}/kblint ${KBLINT_COMPLETIONS_DIR}/_kblint ${KBLINT_COMPLETIONS_DIR}/kblint.fish)
add_custom_command(
  OUTPUT ${KBLINT_COMPLETIONS}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${KBLINT_COMPLETIONS_DIR}
  COMMAND $<TARGET_FILE:kblint> completions bash > ${KBLINT_COMPLETIONS_DIR}/kblint
  COMMAND $<TARGET_FILE:kblint> completions zsh > ${KBLINT_COMPLETIONS_DIR}/_kblint
  COMMAND $<TARGET_FILE:kblint> completions fish > ${KBLINT_COMPLETIONS_DIR}/kblint.fish
  DEPENDS kblint
  COMMENT "Writing the bash, zsh and fish completions")
add_custom_target(kblint_completions ALL DEPENDS ${KBLINT_COMPLETIONS})

install(TARGETS kblint RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${KBLINT_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${KBLINT_COMPLETIONS_DIR}/kblint DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${KBLINT_COMPLETIONS_DIR}/_kblint DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${KBLINT_COMPLETIONS_DIR}/kblint.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kblint)
set(CPACK_PACKAGE_VENDOR "kblint")
set(CPACK_PACKAGE_CONTACT "kblint maintainers <kblint@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "lint TOML snapshots of cluster nodes against knowledge-base rules")
set(CPACK_PACKAGE_DESCRIPTION "kblint turns operational knowledge (Microsoft Knowledge Base articles on IIS on\nMicrosoft Cluster Server first of all) into declarative checks over TOML snapshots of cluster\nnodes, for pre-change lint runs and CI gating.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY kblint)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_CURRENT_BINARY_DIR}/dist)
include(CPack)
