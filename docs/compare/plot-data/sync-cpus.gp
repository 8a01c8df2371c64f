set terminal svg size 800,500 dynamic font 'sans,12'
set termoption noenhanced
set output 'docs/compare/sync-cpus.svg'
set title 'synchronize cycles against cpus (log axes; 0 drawn at 1)'
set xlabel 'cpus'
set ylabel 'synchronize cycles'
set key outside right
set grid
set logscale xy
plot 'docs/compare/plot-data/sync-cpus-v5.dat' using 1:2 with linespoints title 'v5', 'docs/compare/plot-data/sync-cpus-v5-pcpucount.dat' using 1:2 with linespoints title 'v5-pcpucount', 'docs/compare/plot-data/sync-cpus-listphase-nodebug.dat' using 1:2 with linespoints title 'listphase-nodebug', 'docs/compare/plot-data/sync-cpus-pertask.dat' using 1:2 with linespoints title 'pertask', 'docs/compare/plot-data/sync-cpus-pertask-bitmap.dat' using 1:2 with linespoints title 'pertask-bitmap', 'docs/compare/plot-data/sync-cpus-refcount.dat' using 1:2 with linespoints title 'refcount', 'docs/compare/plot-data/sync-cpus-percpu-ref.dat' using 1:2 with linespoints title 'percpu-ref'
